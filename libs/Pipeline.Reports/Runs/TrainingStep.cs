namespace Pipeline.Reports.Runs;

/// <summary>
/// One line of <c>metrics.jsonl</c>: the step and every numeric metric it carries (null where the run wrote null,
/// e.g. no mean correct length in a step without a correct answer). Names are the snake_case keys of
/// <c>Pipeline.Workers.BatchMetrics</c> and the learner (<c>mean_length</c>, <c>accuracy</c>, <c>entropy</c>, …).
/// </summary>
public sealed record TrainingStep(int Step, IReadOnlyDictionary<string, double?> Values)
{
    /// <summary>The metric's value; null when the line does not have it or it is null.</summary>
    public double? this[string metric] => Values.GetValueOrDefault(metric);
}

/// <summary>The metric names the report plots (as <c>metrics.jsonl</c> spells them).</summary>
public static class MetricNames
{
    public const string MeanLength = "mean_length";
    public const string MeanLengthCorrect = "mean_length_correct";
    public const string MeanLengthIncorrect = "mean_length_incorrect";
    public const string Accuracy = "accuracy";
    public const string Reward = "reward_mean";
    public const string Entropy = "entropy";
    public const string TruncationRate = "truncation_rate";
    public const string PositiveRewardDensity = "positive_reward_density";
}
