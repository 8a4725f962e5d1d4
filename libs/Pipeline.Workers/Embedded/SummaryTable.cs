using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Pipeline.Workers.Embedded;

/// <summary>
/// The paper's before/after table: per evaluation set and budget, Mean@k, Pass@k and mean length of the first
/// evaluation (the base model) and the last one, with the relative change of the length. It reads the run's
/// <c>eval.jsonl</c> lines, not the evaluations of this process, so a resumed run still compares with step 0.
/// </summary>
public static class SummaryTable
{
    public static string Render(IReadOnlyList<JsonObject> evalLines)
    {
        var text = new StringBuilder();
        foreach (var set in evalLines.GroupBy(l => (string)l["dataset"]!))
        {
            var steps = set.Select(l => (int)l["step"]!).Distinct().Order().ToList();
            var (first, last) = (steps[0], steps[^1]);
            var before = set.Where(l => (int)l["step"]! == first).ToList();
            var after = set.Where(l => (int)l["step"]! == last).ToDictionary(l => (int)l["budget"]!);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{set.Key}: step {first} → step {last} ({(int)before[0]["problems"]!} problems × {(int)before[0]["samples"]!} samples)");
            text.AppendLine("  budget | Mean@k before → after | Pass@k before → after | mean length before → after (change)");
            foreach (var line in before)
                text.AppendLine(Row(line, after.GetValueOrDefault((int)line["budget"]!)));
        }
        return text.Length == 0 ? "no evaluations (spec.data.eval is empty)\n" : text.ToString();
    }

    private static string Row(JsonObject before, JsonObject? after)
    {
        var (lb, la) = (Number(before, "mean_length"), Number(after, "mean_length"));
        var change = lb is > 0 && la is { } a ? $"{(a - lb.Value) / lb.Value:+0.0%;-0.0%}" : "n/a";
        return string.Create(CultureInfo.InvariantCulture,
            $"  {(int)before["budget"]!,6} | {Pct(before, "mean_at_k"),7} → {Pct(after, "mean_at_k"),7}     | {Pct(before, "pass_at_k"),7} → {Pct(after, "pass_at_k"),7}     | {lb,6:F1} → {la,6:F1} ({change})");
    }

    private static double? Number(JsonObject? line, string key) => line?[key] is { } value ? (double)value : null;

    // "100.0 %" is the widest value: 7 characters.
    private static string Pct(JsonObject? line, string key) =>
        Number(line, key) is { } v ? v.ToString("P1", CultureInfo.InvariantCulture) : "n/a";
}
