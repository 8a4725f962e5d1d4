using System.Globalization;
using Pipeline.Reports.Plotting;
using Pipeline.Reports.Runs;
using ScottPlot;

namespace Pipeline.Reports.Figures;

/// <summary>
/// Accuracy (Mean@k) against the token budget on a log₂ axis, per evaluation set (PAPER.md's evaluation protocol:
/// a model must keep its high-budget ceiling while its lengths move down). One run: the base model (first
/// evaluation) and the evaluated checkpoints — all of them up to five, else the first, three evenly spaced and the
/// last. Several runs: the first run's base and each run's final checkpoint.
/// </summary>
internal static class BudgetFigures
{
    public const int MaxCheckpoints = 5;

    private static readonly Color BaseColor = Color.FromHex("#7f7f7f");

    public static IReadOnlyList<Figure> Build(IReadOnlyList<ReportRun> runs)
    {
        var figures = new List<Figure>();
        foreach (var dataset in Datasets(runs))
        {
            var chart = runs.Count == 1 ? SingleRun(runs[0], dataset) : Comparison(runs, dataset);
            var caption = runs.Count == 1
                ? $"Mean@k on {dataset} at each budget: the base model (dashed) and evaluated checkpoints (darker = later)."
                : $"Mean@k on {dataset} at each budget: the base model of {runs[0].Label} (dashed) and the final checkpoint of each run.";
            figures.Add(new Figure($"budget-{FileNames.Safe(dataset)}.png", $"Accuracy vs budget ({dataset})", caption, chart.ToPng()));
        }
        return figures;
    }

    /// <summary>Evaluation sets of all runs, in order of first appearance.</summary>
    internal static IReadOnlyList<string> Datasets(IReadOnlyList<ReportRun> runs) =>
        runs.SelectMany(r => r.Folder.Evaluations.Select(e => e.Dataset)).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The checkpoints a single-run plot shows: every evaluated step up to five, else first, three between, last.</summary>
    internal static IReadOnlyList<int> ChooseSteps(IReadOnlyList<int> steps)
    {
        if (steps.Count <= MaxCheckpoints) return steps;
        return Enumerable.Range(0, MaxCheckpoints)
            .Select(i => steps[(int)Math.Round(i * (steps.Count - 1) / (double)(MaxCheckpoints - 1))])
            .Distinct().ToList();
    }

    private static LineChart SingleRun(ReportRun run, string dataset)
    {
        var lines = run.Folder.Evaluations.Where(e => e.Dataset == dataset).ToList();
        var steps = ChooseSteps(lines.Select(e => e.Step).Distinct().Order().ToList());
        var chart = NewChart(dataset, lines);
        for (var i = 0; i < steps.Count; i++)
        {
            var atStep = lines.Where(e => e.Step == steps[i]).ToList();
            var label = i == 0 ? $"step {Number(steps[i])} (base)" : i == steps.Count - 1 ? $"step {Number(steps[i])} (final)" : $"step {Number(steps[i])}";
            chart.Lines.Add(i == 0
                ? Line(label, atStep, BaseColor, dashed: true)
                : Line(label, atStep, Shade(i / (double)(steps.Count - 1))));
        }
        return chart;
    }

    private static LineChart Comparison(IReadOnlyList<ReportRun> runs, string dataset)
    {
        var all = runs.SelectMany(r => r.Folder.Evaluations.Where(e => e.Dataset == dataset)).ToList();
        var chart = NewChart(dataset, all);
        var baseLines = runs[0].Folder.Evaluations.Where(e => e.Dataset == dataset).ToList();
        if (baseLines.Count > 0)
        {
            var first = baseLines.Min(e => e.Step);
            chart.Lines.Add(Line($"base (step {Number(first)})", baseLines.Where(e => e.Step == first).ToList(), BaseColor, dashed: true));
        }
        foreach (var run in runs)
        {
            var lines = run.Folder.Evaluations.Where(e => e.Dataset == dataset).ToList();
            if (lines.Count == 0) continue;
            var last = lines.Max(e => e.Step);
            chart.Lines.Add(Line($"{run.Label} (step {Number(last)})", lines.Where(e => e.Step == last).ToList(), run.Color));
        }
        return chart;
    }

    // ScottPlot 5 has no logarithmic axis type: its documented way is to plot log-transformed values and label
    // the ticks with the original ones, here exactly at the evaluated budgets.
    private static LineChart NewChart(string dataset, IReadOnlyList<EvalLine> lines)
    {
        var budgets = lines.Select(e => e.Budget).Distinct().Order().ToList();
        return new LineChart($"Accuracy vs budget ({dataset})", "budget (max generated tokens, log₂ scale)", "Mean@k (%)")
        {
            XTicks = budgets.Select(b => (Math.Log2(b), Number(b))).ToList(),
            YRange = (0, 102),
        };
    }

    private static ChartLine Line(string label, IReadOnlyList<EvalLine> atStep, Color color, bool dashed = false)
    {
        var ordered = atStep.OrderBy(e => e.Budget).ToList();
        return new ChartLine(label, ordered.Select(e => Math.Log2(e.Budget)).ToList(), ordered.Select(e => e.MeanAtK * 100).ToList(),
            color, Width: dashed ? 2 : 2.5f, Dashed: dashed, Markers: true);
    }

    // Later checkpoints darker (ScottPlot's Blues runs from dark at 0 to white at 1; its palest third hardly shows).
    private static Color Shade(double t) => new ScottPlot.Colormaps.Blues().GetColor(0.65 * (1 - t));

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
