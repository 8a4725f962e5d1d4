using Prometheus;

namespace Pipeline.Services.Rollout;

/// <summary>The rollout worker's Prometheus metrics (<c>pipeline_rollout_</c>).</summary>
public sealed class RolloutMetrics
{
    public RolloutMetrics(IMetricFactory factory, CollectorRegistry registry)
    {
        GeneratedTokens = factory.CreateCounter("pipeline_rollout_generated_tokens_total", "Completion tokens generated.");
        Groups = factory.CreateCounter("pipeline_rollout_groups_total", "Rollout groups generated (bus and direct calls).");
        Completions = factory.CreateCounter("pipeline_rollout_completions_total", "Completions generated.");
        TokensPerSecond = factory.CreateGauge("pipeline_rollout_tokens_per_second", "Generation throughput of the last batch.");
        BatchSeconds = factory.CreateHistogram("pipeline_rollout_batch_seconds", "Seconds per generated batch.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.05, 2, 12) });
        PolicyVersion = factory.CreateGauge("pipeline_rollout_policy_version", "The policy version whose weights are loaded.");
        WeightSyncSeconds = factory.CreateHistogram("pipeline_rollout_weight_sync_seconds", "Seconds to load an announced policy version.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2.5, 12) });
        PolicyLoadFailures = factory.CreateCounter("pipeline_rollout_policy_load_failures_total", "Announced versions that could not be loaded (retired, replaced or corrupt).");
        RequestsPending = factory.CreateGauge("pipeline_rollout_requests_pending", "Requests taken from the topic and not yet answered.");
        ConsumerLag = new Hosting.ConsumerLagGauge(factory, registry, "pipeline_rollout_consumer_lag_messages", "Prompts published and not yet answered by the rollout group.");
        PolicyVersion.Set(-1);
    }

    public Counter GeneratedTokens { get; }
    public Counter Groups { get; }
    public Counter Completions { get; }
    public Gauge TokensPerSecond { get; }
    public Histogram BatchSeconds { get; }
    public Gauge PolicyVersion { get; }
    public Histogram WeightSyncSeconds { get; }
    public Counter PolicyLoadFailures { get; }
    public Gauge RequestsPending { get; }
    public Hosting.ConsumerLagGauge ConsumerLag { get; }

    public void RecordBatch(int groups, int completions, long tokens, double seconds)
    {
        Groups.Inc(groups);
        Completions.Inc(completions);
        GeneratedTokens.Inc(tokens);
        BatchSeconds.Observe(seconds);
        if (seconds > 0) TokensPerSecond.Set(tokens / seconds);
    }
}
