using System.Globalization;
using Pipeline.Reports.Plotting;
using Pipeline.Reports.Runs;
using ScottPlot;

namespace Pipeline.Reports.Figures;

/// <summary>
/// Training curves from <c>metrics.jsonl</c> (PAPER.md's "two training stages": length overall and by correctness,
/// accuracy and reward, entropy, truncation rate and positive-reward density), each with the detected stage
/// boundary as a dashed vertical line. One run: related metrics share a plot. Several runs: one plot per metric,
/// one line per run in the run's colour.
/// </summary>
internal static class TrainingFigures
{
    /// <param name="Title">The plot's title when runs are compared (one plot per metric).</param>
    private sealed record Metric(string Name, string Label, Color Color, string Title);

    private sealed record Panel(string File, string Title, string YLabel, IReadOnlyList<Metric> Metrics, (double, double)? YRange = null);

    private static readonly Panel[] Panels =
    [
        new("length.png", "Mean response length", "tokens",
        [
            new(MetricNames.MeanLength, "all responses", Colors.Black, "Mean response length"),
            new(MetricNames.MeanLengthCorrect, "correct", Color.FromHex("#2ca02c"), "Mean length of correct responses"),
            new(MetricNames.MeanLengthIncorrect, "incorrect", Color.FromHex("#d62728"), "Mean length of incorrect responses"),
        ]),
        new("accuracy-reward.png", "Accuracy and reward", "fraction / reward",
        [
            new(MetricNames.Accuracy, "accuracy", Color.FromHex("#1f77b4"), "Accuracy"),
            new(MetricNames.Reward, "mean reward", Color.FromHex("#ff7f0e"), "Mean reward"),
        ]),
        new("entropy.png", "Policy entropy", "nats per token", [new(MetricNames.Entropy, "entropy", Color.FromHex("#9467bd"), "Policy entropy")]),
        new("truncation-density.png", "Truncation rate and positive-reward density", "fraction",
        [
            new(MetricNames.TruncationRate, "truncation rate", Color.FromHex("#8c564b"), "Truncation rate"),
            new(MetricNames.PositiveRewardDensity, "positive-reward density", Color.FromHex("#17becf"), "Positive-reward density"),
        ], (0, 1.02)),
    ];

    public static IReadOnlyList<Figure> Build(IReadOnlyList<ReportRun> runs) =>
        runs.Count == 1 ? SingleRun(runs[0]) : Comparison(runs);

    private static List<Figure> SingleRun(ReportRun run)
    {
        var figures = new List<Figure>();
        foreach (var panel in Panels)
        {
            var chart = new LineChart(panel.Title, "training step", panel.YLabel) { YRange = panel.YRange };
            foreach (var metric in panel.Metrics)
            {
                var (steps, values) = run.Series(metric.Name);
                chart.Lines.Add(new ChartLine(metric.Label, steps, values, metric.Color));
            }
            if (run.Boundary is { } b) chart.Markers.Add(new VerticalMarker(b.Step, $"stage boundary (step {Number(b.Step)})", Colors.Gray));
            if (chart.Lines.Any(l => l.Ys.Any(y => y is not null)))
                figures.Add(new Figure(panel.File, panel.Title, Caption(panel.Metrics), chart.ToPng()));
        }
        return figures;
    }

    private static List<Figure> Comparison(IReadOnlyList<ReportRun> runs)
    {
        var figures = new List<Figure>();
        foreach (var panel in Panels)
        {
            foreach (var metric in panel.Metrics)
            {
                var title = metric.Title;
                var chart = new LineChart(title, "training step", panel.YLabel) { YRange = panel.YRange };
                foreach (var run in runs)
                {
                    var (steps, values) = run.Series(metric.Name);
                    chart.Lines.Add(new ChartLine(run.Label, steps, values, run.Color));
                }
                foreach (var run in runs.Where(r => r.Boundary is not null))
                    chart.Markers.Add(new VerticalMarker(run.Boundary!.Step, $"{run.Label}: boundary (step {Number(run.Boundary.Step)})", run.Color));
                if (chart.Lines.Any(l => l.Ys.Any(y => y is not null)))
                    figures.Add(new Figure(metric.Name.Replace('_', '-') + ".png", title, $"{metric.Title} per training step, one line per run; dashed: each run's detected stage boundary.", chart.ToPng()));
            }
        }
        return figures;
    }

    private static string Caption(IReadOnlyList<Metric> metrics) =>
        $"{Capitalize(string.Join(", ", metrics.Select(m => m.Label)))} per training step (training batches); dashed: the detected stage boundary.";

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
