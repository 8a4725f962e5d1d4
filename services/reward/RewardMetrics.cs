using Prometheus;

namespace Pipeline.Services.Reward;

/// <summary>The reward service's Prometheus metrics (base units, <c>_total</c> counters, <c>pipeline_reward_</c>
/// prefix), created in the host's own registry.</summary>
public sealed class RewardMetrics
{
    public RewardMetrics(IMetricFactory factory, CollectorRegistry registry)
    {
        GroupsScored = factory.CreateCounter("pipeline_reward_groups_scored_total", "Rollout groups scored.");
        Responses = factory.CreateCounter(
            "pipeline_reward_responses_total", "Responses verified, by whether they were correct.",
            new CounterConfiguration { LabelNames = ["correct"] });
        // Both label values exist from the start, so rates over them never begin with a missing series.
        Responses.WithLabels("true");
        Responses.WithLabels("false");
        // Shaped rewards lie in [0, 1] for the shipped shapings; penalties can go below 0. Written out rather than
        // Histogram.LinearBuckets(-1, 0.25, 9): it adds up from -1 in decimal and reaches a negative zero, exposed
        // as le="-0", which a query or dashboard selecting le="0" does not match.
        ShapedReward = factory.CreateHistogram(
            "pipeline_reward_shaped_reward", "Shaped reward per response.",
            new HistogramConfiguration { Buckets = [-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1] });
        ScoreSeconds = factory.CreateHistogram(
            "pipeline_reward_score_seconds", "Time to score one group.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.0001, 4, 9) });

        DeadLetters = factory.CreateCounter("pipeline_reward_dead_letters_total", "Rollout groups sent to the dead-letter topic (unreadable or inconsistent).");
        ConsumerLag = new Hosting.ConsumerLagGauge(factory, registry, "pipeline_reward_consumer_lag_messages", "Rollout groups published and not yet scored.");
    }

    /// <summary>One scored group, from the bus worker or a direct call.</summary>
    public void Record(Contracts.V1.ScoredGroup scored)
    {
        ArgumentNullException.ThrowIfNull(scored);
        GroupsScored.Inc();
        ScoreSeconds.Observe(scored.ScoringSeconds);
        foreach (var score in scored.Scores)
        {
            Responses.WithLabels(score.Correct ? "true" : "false").Inc();
            ShapedReward.Observe(score.Reward);
        }
    }

    public Counter DeadLetters { get; }
    public Hosting.ConsumerLagGauge ConsumerLag { get; }
    public Counter GroupsScored { get; }
    public Counter Responses { get; }
    public Histogram ShapedReward { get; }
    public Histogram ScoreSeconds { get; }
}
