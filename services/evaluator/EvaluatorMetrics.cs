using System.Globalization;
using Pipeline.Workers.Evaluation;
using Prometheus;

namespace Pipeline.Services.Evaluator;

/// <summary>The evaluator's Prometheus metrics (<c>pipeline_evaluator_</c>): the latest budget curve per set, and its cost.</summary>
public sealed class EvaluatorMetrics
{
    public EvaluatorMetrics(IMetricFactory factory)
    {
        string[] labels = ["dataset", "budget"];
        MeanAtK = factory.CreateGauge("pipeline_evaluator_mean_at_k_ratio", "Mean@k of the latest evaluated version, per set and token budget.", labels);
        PassAtK = factory.CreateGauge("pipeline_evaluator_pass_at_k_ratio", "Pass@k of the latest evaluated version, per set and token budget.", labels);
        TruncationRate = factory.CreateGauge("pipeline_evaluator_truncation_ratio", "Fraction of samples cut at the budget, per set and token budget.", labels);
        MeanLength = factory.CreateGauge("pipeline_evaluator_mean_length_tokens", "Mean response length, per set and token budget.", labels);
        Step = factory.CreateGauge("pipeline_evaluator_step", "Training step of the latest evaluated version.");
        Evaluations = factory.CreateCounter("pipeline_evaluator_evaluations_total", "Budget sweeps completed (one per set and version).");
        Seconds = factory.CreateHistogram("pipeline_evaluator_evaluation_seconds", "Seconds per budget sweep of one set.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.5, 2, 12) });
        WeightSyncSeconds = factory.CreateHistogram("pipeline_evaluator_weight_sync_seconds", "Seconds to load a policy version.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2.5, 12) });
        Step.Set(-1);
    }

    public Gauge MeanAtK { get; }
    public Gauge PassAtK { get; }
    public Gauge TruncationRate { get; }
    public Gauge MeanLength { get; }
    public Gauge Step { get; }
    public Counter Evaluations { get; }
    public Histogram Seconds { get; }
    public Histogram WeightSyncSeconds { get; }

    public void Record(EvaluationReport report, double seconds)
    {
        ArgumentNullException.ThrowIfNull(report);
        Evaluations.Inc();
        Seconds.Observe(seconds);
        foreach (var b in report.Budgets)
        {
            var labels = new[] { report.Dataset, b.Budget.ToString(CultureInfo.InvariantCulture) };
            MeanAtK.WithLabels(labels).Set(b.MeanAtK ?? double.NaN);
            PassAtK.WithLabels(labels).Set(b.PassAtK ?? double.NaN);
            TruncationRate.WithLabels(labels).Set(b.TruncationRate ?? double.NaN);
            MeanLength.WithLabels(labels).Set(b.Lengths.Overall.Mean ?? double.NaN);
        }
    }
}
