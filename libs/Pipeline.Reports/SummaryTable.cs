using System.Globalization;
using System.Text;
using Pipeline.Reports.Runs;

namespace Pipeline.Reports;

/// <summary>One budget of the before/after table: the first evaluation's line and the last one's (null if missing).</summary>
public sealed record BudgetComparison(int Budget, EvalLine Before, EvalLine? After)
{
    /// <summary>Relative change of the mean length from before to after; null when either is missing or before is 0.</summary>
    public double? LengthChange => Before.MeanLength is > 0 && After?.MeanLength is { } after
        ? (after - Before.MeanLength.Value) / Before.MeanLength.Value
        : null;
}

/// <summary>The before/after comparison of one evaluation set, budgets ascending.</summary>
public sealed record SetComparison(string Dataset, int FirstStep, int LastStep, int Problems, int Samples, IReadOnlyList<BudgetComparison> Budgets);

/// <summary>
/// The paper's before/after table: per evaluation set and budget, Mean@k, Pass@k and mean length of the first
/// evaluation (the base model) and the last one, with the relative change of the length. It reads the run's
/// <c>eval.jsonl</c> lines, not the evaluations of this process, so a resumed run still compares with step 0.
/// <see cref="Compare"/> gives the rows (the HTML report renders them too); <see cref="Render"/> the text table.
/// </summary>
public static class SummaryTable
{
    public static IReadOnlyList<SetComparison> Compare(IReadOnlyList<EvalLine> evalLines) =>
        evalLines.GroupBy(l => l.Dataset).Select(set =>
        {
            var steps = set.Select(l => l.Step).Distinct().Order().ToList();
            var (first, last) = (steps[0], steps[^1]);
            var before = set.Where(l => l.Step == first).OrderBy(l => l.Budget).ToList();
            var after = set.Where(l => l.Step == last).GroupBy(l => l.Budget).ToDictionary(g => g.Key, g => g.Last());
            var rows = before.Select(b => new BudgetComparison(b.Budget, b, after.GetValueOrDefault(b.Budget))).ToList();
            return new SetComparison(set.Key, first, last, before[0].Problems, before[0].Samples, rows);
        }).ToList();

    public static string Render(IReadOnlyList<EvalLine> evalLines)
    {
        var text = new StringBuilder();
        foreach (var set in Compare(evalLines))
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{set.Dataset}: step {set.FirstStep} → step {set.LastStep} ({set.Problems} problems × {set.Samples} samples)");
            text.AppendLine("  budget | Mean@k before → after | Pass@k before → after | mean length before → after (change)");
            foreach (var row in set.Budgets) text.AppendLine(Row(row));
        }
        return text.Length == 0 ? "no evaluations (spec.data.eval is empty)\n" : text.ToString();
    }

    private static string Row(BudgetComparison row)
    {
        var (before, after) = (row.Before, row.After);
        var change = row.LengthChange is { } c ? c.ToString("+0.0%;-0.0%", CultureInfo.InvariantCulture) : "n/a";
        return string.Create(CultureInfo.InvariantCulture,
            $"  {row.Budget,6} | {Pct(before.MeanAtK),7} → {Pct(after?.MeanAtK),7}     | {Pct(before.PassAtK),7} → {Pct(after?.PassAtK),7}     | {before.MeanLength,6:F1} → {after?.MeanLength,6:F1} ({change})");
    }

    // "100.0 %" is the widest value: 7 characters.
    private static string Pct(double? value) => value is { } v ? v.ToString("P1", CultureInfo.InvariantCulture) : "n/a";
}
