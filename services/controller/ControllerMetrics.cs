using Prometheus;
using Pipeline.Services.Controller.Crd;

namespace Pipeline.Services.Controller;

/// <summary>The controller's own metrics (on its /metrics port, beside the experiments' services).</summary>
public sealed class ControllerMetrics(IMetricFactory factory)
{
    public Counter Reconciles { get; } = factory.CreateCounter("pipeline_controller_reconciles_total",
        "Reconciles of an Experiment, by result (success, error).", new CounterConfiguration { LabelNames = ["result"] });

    public Counter ReconcileErrors { get; } = factory.CreateCounter("pipeline_controller_reconcile_errors_total",
        "Reconciles that failed with an error (API server or Kafka unreachable, conflicts), by kind of error.", new CounterConfiguration { LabelNames = ["kind"] });

    public Histogram ReconcileSeconds { get; } = factory.CreateHistogram("pipeline_controller_reconcile_seconds",
        "Time one reconcile takes.", new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 12) });

    public Gauge Experiments { get; } = factory.CreateGauge("pipeline_controller_experiments",
        "Experiments this controller manages, by phase.", new GaugeConfiguration { LabelNames = ["phase"] });

    public Gauge Leader { get; } = factory.CreateGauge("pipeline_controller_leader",
        "1 while this replica holds the leader lease (or leader election is off), else 0.");

    private readonly Dictionary<string, string> _phases = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Records an experiment's phase (null: it is gone) and refreshes the by-phase gauge.</summary>
    public void Phase(string key, string? phase)
    {
        lock (_lock)
        {
            if (phase is null) _phases.Remove(key);
            else _phases[key] = phase;
            foreach (var p in Phases.All) Experiments.WithLabels(p).Set(_phases.Values.Count(v => v == p));
        }
    }
}
