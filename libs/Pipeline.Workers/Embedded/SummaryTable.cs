using System.Globalization;
using System.Text;
using Pipeline.Workers.Evaluation;

namespace Pipeline.Workers.Embedded;

/// <summary>
/// The paper's before/after table: per evaluation set and budget, Mean@k, Pass@k and mean length of the first
/// evaluation (the base model) and the last one, with the relative change of the length.
/// </summary>
public static class SummaryTable
{
    public static string Render(RunResult result)
    {
        var text = new StringBuilder();
        foreach (var set in result.Evaluations.Select(e => e.Report.Dataset).Distinct())
        {
            var runs = result.Evaluations.Where(e => e.Report.Dataset == set).ToList();
            var (first, last) = (runs[0], runs[^1]);
            text.AppendLine(CultureInfo.InvariantCulture, $"{set}: step {first.Step} → step {last.Step} ({first.Report.Problems} problems × {first.Report.SamplesPerProblem} samples)");
            text.AppendLine("  budget | Mean@k before → after | Pass@k before → after | mean length before → after (change)");
            foreach (var (before, after) in first.Report.Budgets.Zip(last.Report.Budgets))
                text.AppendLine(Row(before, after, first.Report.SamplesPerProblem));
        }
        return text.Length == 0 ? "no evaluations (spec.data.eval is empty)\n" : text.ToString();
    }

    private static string Row(Core.Evaluation.BudgetResult before, Core.Evaluation.BudgetResult after, int k)
    {
        var (lb, la) = (before.Lengths.Overall.Mean, after.Lengths.Overall.Mean);
        var change = lb is > 0 && la is { } a ? $"{(a - lb.Value) / lb.Value:+0.0%;-0.0%}" : "n/a";
        return string.Create(CultureInfo.InvariantCulture,
            $"  {before.Budget,6} | {Pct(before.MeanAtK),7} → {Pct(after.MeanAtK),7}     | {Pct(before.PassAtK),7} → {Pct(after.PassAtK),7}     | {lb,6:F1} → {la,6:F1} ({change})");
    }

    // "100.0 %" is the widest value: 7 characters.
    private static string Pct(double? value) => value is { } v ? v.ToString("P1", CultureInfo.InvariantCulture) : "n/a";
}
