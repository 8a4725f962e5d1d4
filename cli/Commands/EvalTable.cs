using System.Globalization;
using System.Text;
using Pipeline.Workers.Evaluation;

namespace Pipeline.Cli.Commands;

/// <summary>The per-budget table <c>pipeline eval</c> ends with: one block per dataset, one row per budget.</summary>
internal static class EvalTable
{
    public static string Render(IReadOnlyList<EvaluatedDataset> datasets)
    {
        var text = new StringBuilder();
        foreach (var dataset in datasets)
        {
            var report = dataset.Report;
            var k = report.SamplesPerProblem;
            text.AppendLine(CultureInfo.InvariantCulture, $"{dataset.Name}: {report.Problems} problems × {k} samples, {report.Mode}");
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {"budget",6} | {"Mean@" + k,7} | {"Pass@" + k,7} | {"truncated",9} | {"mean len",8} | {"median",6} | {"p90",6} | {"len ✓",6} | {"len ✗",6}");
            foreach (var b in report.Budgets)
            {
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"  {b.Budget,6} | {Pct(b.MeanAtK),7} | {Pct(b.PassAtK),7} | {Pct(b.TruncationRate),9} | {Len(b.Lengths.Overall.Mean),8} | {Len(b.Lengths.Overall.Median),6} | {Len(b.Lengths.Overall.P90),6} | {Len(b.Lengths.Correct.Mean),6} | {Len(b.Lengths.Incorrect.Mean),6}");
            }
        }
        return text.ToString();
    }

    // "100.0 %" is the widest percentage: 7 characters.
    private static string Pct(double? value) => value is { } v ? v.ToString("P1", CultureInfo.InvariantCulture) : "–";

    private static string Len(double? value) => value is { } v ? v.ToString("F1", CultureInfo.InvariantCulture) : "–";
}
