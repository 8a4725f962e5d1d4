using Pipeline.Contracts.V1;
using Pipeline.Core.Metrics;
using Pipeline.Core.Rewards;

namespace Pipeline.Workers;

/// <summary>
/// Per-step statistics of the groups a step trained on (PAPER.md: accuracy, reward, positive-reward density, length
/// overall and split by correctness, truncation rate), as snake_case metric names; null where undefined (no correct
/// response has no mean correct length).
/// </summary>
public static class BatchMetrics
{
    public static Dictionary<string, double?> Compute(IReadOnlyList<ScoredGroup> groups, long trainedVersion)
    {
        var outcomes = groups.SelectMany(g => g.Group.Completions.Zip(g.Scores,
            (c, s) => new ResponseOutcome(s.Correct, c.TokenIds.Count, c.FinishReason == FinishReason.Stop))).ToList();
        var rewards = groups.SelectMany(g => g.Scores.Select(s => s.Reward)).ToList();
        var lengths = LengthStatsByCorrectness.Compute(outcomes);
        var staleness = groups.Select(g => (double)(trainedVersion - g.Group.PolicyVersion)).ToList();
        var generated = groups.Sum(g => g.Group.Completions.Sum(c => c.TokenIds.Count));
        var rolloutSeconds = groups.Sum(g => g.Group.GenerationSeconds);
        return new Dictionary<string, double?>
        {
            ["accuracy"] = outcomes.Count == 0 ? null : outcomes.Count(o => o.Correct) / (double)outcomes.Count,
            ["reward_mean"] = rewards.Count == 0 ? null : rewards.Average(),
            ["positive_reward_density"] = BatchRates.PositiveRewardDensity(rewards),
            ["mean_length"] = lengths.Overall.Mean,
            ["mean_length_correct"] = lengths.Correct.Mean,
            ["mean_length_incorrect"] = lengths.Incorrect.Mean,
            ["truncation_rate"] = BatchRates.TruncationRate(outcomes),
            ["trained_fraction"] = outcomes.Count == 0 ? null : groups.Sum(g => g.Scores.Count(s => s.Trains)) / (double)outcomes.Count,
            ["staleness_mean"] = staleness.Count == 0 ? null : staleness.Average(),
            ["staleness_max"] = staleness.Count == 0 ? null : staleness.Max(),
            ["rollout_tokens"] = generated,
            ["rollout_seconds"] = rolloutSeconds,
            ["rollout_tokens_per_second"] = rolloutSeconds > 0 ? generated / rolloutSeconds : null,
            ["reward_seconds"] = groups.Sum(g => g.ScoringSeconds),
        };
    }

    /// <summary>Whether every response of the group got the same reward (its GRPO advantages are all zero).</summary>
    public static bool IsZeroVariance(ScoredGroup group) =>
        group.Scores.Count == 0 || group.Scores.All(s => s.Reward == group.Scores[0].Reward);
}
