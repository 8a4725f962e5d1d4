using System.Globalization;
using Pipeline.Core.Evaluation;
using Pipeline.Core.Metrics;
using Pipeline.Reports.Plotting;
using Pipeline.Reports.Runs;
using ScottPlot;

namespace Pipeline.Reports.Figures;

/// <summary>
/// Length distributions of correct and incorrect answers at the largest budget, base against final (PAPER.md:
/// report length conditioned on correctness; the goal is to move the distribution down). Read from the per-sample
/// files <c>eval/step-N-SET.json</c>; a sample is judged at the budget as the sweep does (<see cref="BudgetSweep.AtBudget"/>:
/// correct only if it finished within it). Heights are percentages of all samples of that evaluation, so the correct and
/// incorrect plots of one step add up to 100 % and evaluations of different sizes compare.
/// </summary>
internal static class LengthFigures
{
    /// <summary>About this many bins between 0 and the longest plotted length.</summary>
    public const int TargetBins = 24;

    private static readonly Color BaseColor = Color.FromHex("#606060");

    private sealed record Histogram(string Label, LengthHistogram Counts, int Total, Color Color, bool Dashed);

    /// <summary>The figures, and a note for each evaluation whose per-sample file is missing.</summary>
    public static (IReadOnlyList<Figure> Figures, IReadOnlyList<string> Notes) Build(IReadOnlyList<ReportRun> runs)
    {
        var figures = new List<Figure>();
        var notes = new List<string>();
        foreach (var dataset in BudgetFigures.Datasets(runs))
        {
            var budget = runs.SelectMany(r => r.Folder.Evaluations).Where(e => e.Dataset == dataset).Max(e => e.Budget);
            var evaluations = Evaluations(runs, dataset, notes);
            if (evaluations.Count == 0) continue;
            var lengths = evaluations.Select(e => (e.Label, e.Color, e.Dashed, Samples: e.Samples.Samples.Select(s => BudgetSweep.AtBudget(s, budget)).ToList())).ToList();
            var longest = lengths.SelectMany(e => e.Samples).Select(s => s.Length).DefaultIfEmpty(1).Max();
            var upper = Math.Clamp(longest, 1, budget);
            var width = Math.Max(1, (upper + TargetBins - 1) / TargetBins);
            foreach (var correct in new[] { true, false })
            {
                var kind = correct ? "correct" : "incorrect";
                var histograms = lengths.Select(e => new Histogram(e.Label,
                    LengthHistogram.Build(e.Samples.Where(s => s.Correct == correct).Select(s => s.Length), width, upper),
                    e.Samples.Count, e.Color, e.Dashed)).ToList();
                var title = $"Lengths of {kind} answers ({dataset}, budget {Number(budget)})";
                var chart = new LineChart(title, "response length (tokens)", "share of all samples (%)") { YFromZero = true };
                chart.Lines.AddRange(histograms.Select(Outline));
                figures.Add(new Figure($"lengths-{kind}-{FileNames.Safe(dataset)}.png", title,
                    $"Length histogram of the {kind} answers on {dataset} at budget {Number(budget)} (bins of {Number(width)} tokens), as a share of all samples of each evaluation.",
                    chart.ToPng()));
            }
        }
        return (figures, notes);
    }

    // One run: its first and last evaluation. Several: the first run's base and every run's last evaluation.
    private static List<(string Label, Color Color, bool Dashed, EvalSamples Samples)> Evaluations(IReadOnlyList<ReportRun> runs, string dataset, List<string> notes)
    {
        var result = new List<(string, Color, bool, EvalSamples)>();
        void Add(ReportRun run, int step, string label, Color color, bool dashed)
        {
            if (run.Folder.LoadSamples(step, dataset) is { } samples) result.Add((label, color, dashed, samples));
            else notes.Add($"{run.Folder.SamplesPath(step, dataset)} not found: its length histogram is left out.");
        }
        var withSet = runs.Where(r => r.Folder.Evaluations.Any(e => e.Dataset == dataset)).ToList();
        var first = withSet[0];
        var baseStep = first.Folder.Evaluations.Where(e => e.Dataset == dataset).Min(e => e.Step);
        Add(first, baseStep, $"base (step {Number(baseStep)})", BaseColor, dashed: true);
        foreach (var run in withSet)
        {
            var last = run.Folder.Evaluations.Where(e => e.Dataset == dataset).Max(e => e.Step);
            if (run == first && last == baseStep) continue;
            Add(run, last, runs.Count == 1 ? $"final (step {Number(last)})" : $"{run.Label} (step {Number(last)})", runs.Count == 1 ? Color.FromHex("#08306b") : run.Color, dashed: false);
        }
        return result;
    }

    // The histogram's outline as a staircase: up from 0 at the first edge, across every bin, down at the last edge.
    // ScottPlot's histogram bars would hide each other when base and final (or several runs) overlap; outlines stay
    // readable, and the bins are Core's LengthHistogram, the evaluator's own binning rule.
    private static ChartLine Outline(Histogram histogram)
    {
        var edges = histogram.Counts.Edges;
        var shares = histogram.Counts.Counts.Select(c => histogram.Total == 0 ? 0.0 : 100.0 * c / histogram.Total).ToList();
        var xs = new List<double> { edges[0] };
        var ys = new List<double?> { 0 };
        for (var i = 0; i < shares.Count; i++)
        {
            xs.Add(edges[i]);
            ys.Add(shares[i]);
        }
        xs.AddRange([edges[^1], edges[^1]]);
        ys.AddRange([shares[^1], 0]);
        return new ChartLine(histogram.Label, xs, ys, histogram.Color, Width: 2, Dashed: histogram.Dashed, Steps: true);
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
