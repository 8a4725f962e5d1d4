using Pipeline.Contracts.V1;
using Prometheus;

namespace Pipeline.Services.Learner;

/// <summary>
/// The learner's Prometheus metrics (<c>pipeline_learner_</c>): progress, what each step trained on, how long its
/// stages took, and what was dropped — the series to alert on when a run stalls, diverges or falls behind.
/// </summary>
public sealed class LearnerMetrics
{
    private static readonly string[] DropReasons = ["dropped_zero_variance", "dropped_stale", "dropped_previous_run", "duplicate_groups"];

    public LearnerMetrics(IMetricFactory factory, CollectorRegistry registry)
    {
        Step = factory.CreateGauge("pipeline_learner_step", "Optimisation steps completed.");
        PolicyVersion = factory.CreateGauge("pipeline_learner_policy_version", "The newest policy version announced.");
        LastStepTimestamp = factory.CreateGauge("pipeline_learner_last_step_timestamp_seconds", "Unix time of the last completed step.");
        StageSeconds = factory.CreateHistogram("pipeline_learner_step_stage_seconds", "Seconds per step by stage: waiting for scored groups, the update, publishing the policy.",
            new HistogramConfiguration { LabelNames = ["stage"], Buckets = Histogram.ExponentialBuckets(0.01, 2.5, 12) });
        GroupsTrained = factory.CreateCounter("pipeline_learner_groups_trained_total", "Scored groups used in an update.");
        GroupsDropped = factory.CreateCounter("pipeline_learner_groups_dropped_total", "Scored groups not trained on, by reason.",
            new CounterConfiguration { LabelNames = ["reason"] });
        foreach (var reason in DropReasons) GroupsDropped.WithLabels(Reason(reason));
        Staleness = factory.CreateHistogram("pipeline_learner_group_staleness_steps", "Policy versions between a trained group's sampler and the learner.",
            new HistogramConfiguration { Buckets = [0, 1, 2, 3, 4, 6, 8, 16] });
        SkippedUpdates = factory.CreateCounter("pipeline_learner_skipped_updates_total", "Updates skipped for a non-finite loss or gradient.");
        Reward = factory.CreateGauge("pipeline_learner_reward_mean", "Mean shaped reward of the last step's responses.");
        Accuracy = factory.CreateGauge("pipeline_learner_accuracy_ratio", "Fraction of the last step's responses that were correct.");
        TruncationRate = factory.CreateGauge("pipeline_learner_truncation_ratio", "Fraction of the last step's responses cut at the rollout limit.");
        ResponseLength = factory.CreateHistogram("pipeline_learner_response_length_tokens", "Trained response lengths, by correctness.",
            new HistogramConfiguration { LabelNames = ["correct"], Buckets = Histogram.ExponentialBuckets(8, 2, 10) });
        ResponseLength.WithLabels("true");
        ResponseLength.WithLabels("false");
        GroupsInFlight = factory.CreateGauge("pipeline_learner_groups_in_flight", "Prompts issued whose scored groups have not arrived.");
        GroupsPending = factory.CreateGauge("pipeline_learner_groups_pending", "Scored groups waiting for the next update.");
        ConsumerLag = new Hosting.ConsumerLagGauge(factory, registry, "pipeline_learner_consumer_lag_messages", "Scored groups published and not yet taken by the learner.");
    }

    public Gauge Step { get; }
    public Gauge PolicyVersion { get; }
    public Gauge LastStepTimestamp { get; }
    public Histogram StageSeconds { get; }
    public Counter GroupsTrained { get; }
    public Counter GroupsDropped { get; }
    public Histogram Staleness { get; }
    public Counter SkippedUpdates { get; }
    public Gauge Reward { get; }
    public Gauge Accuracy { get; }
    public Gauge TruncationRate { get; }
    public Histogram ResponseLength { get; }
    public Gauge GroupsInFlight { get; }
    public Gauge GroupsPending { get; }
    public Hosting.ConsumerLagGauge ConsumerLag { get; }

    /// <summary>One finished step: its metrics (as in metrics.jsonl) and the groups it trained on.</summary>
    public void RecordStep(int step, IReadOnlyDictionary<string, double?> metrics, IReadOnlyList<ScoredGroup> groups, double publishSeconds)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(groups);
        Step.Set(step);
        PolicyVersion.Set(step);
        LastStepTimestamp.SetToCurrentTimeUtc();
        var train = metrics.GetValueOrDefault("learner_seconds") ?? 0;
        var total = metrics.GetValueOrDefault("step_seconds") ?? train;
        StageSeconds.WithLabels("update").Observe(train);
        StageSeconds.WithLabels("wait").Observe(Math.Max(0, total - train - publishSeconds));
        StageSeconds.WithLabels("publish").Observe(publishSeconds);
        GroupsTrained.Inc(groups.Count);
        foreach (var reason in DropReasons) GroupsDropped.WithLabels(Reason(reason)).Inc(metrics.GetValueOrDefault(reason) ?? 0);
        SkippedUpdates.Inc(metrics.GetValueOrDefault("skipped_updates") ?? 0);
        var responses = groups.SelectMany(g => g.Group.Completions.Zip(g.Scores)).ToList();
        foreach (var group in groups) Staleness.Observe(step - 1 - group.Group.PolicyVersion);
        foreach (var (completion, score) in responses)
            ResponseLength.WithLabels(score.Correct ? "true" : "false").Observe(completion.TokenIds.Count);
        if (responses.Count == 0) return;
        Reward.Set(responses.Average(r => r.Second.Reward));
        Accuracy.Set(responses.Count(r => r.Second.Correct) / (double)responses.Count);
        TruncationRate.Set(responses.Count(r => r.First.FinishReason == FinishReason.Length) / (double)responses.Count);
    }

    private static string Reason(string metric) => metric.Replace("dropped_", "", StringComparison.Ordinal).Replace("_groups", "", StringComparison.Ordinal);
}
