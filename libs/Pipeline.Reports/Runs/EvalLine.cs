using System.Text.Json.Nodes;
using Pipeline.Core.IO;

namespace Pipeline.Reports.Runs;

/// <summary>
/// One line of <c>eval.jsonl</c>: the results of one evaluation step on one set at one budget (written by
/// <c>Pipeline.Workers.Embedded.RunDirectory.AppendEvaluation</c>). Rates are fractions; null where undefined.
/// </summary>
public sealed record EvalLine(
    int Step, string Dataset, int Budget, int Samples, int Problems,
    double? MeanAtK, double? PassAtK, double? TruncationRate,
    double? MeanLength, double? MeanLengthCorrect, double? MeanLengthIncorrect)
{
    /// <summary>Reads the line's fields; a missing or mistyped field throws <see cref="FormatException"/>.</summary>
    public static EvalLine FromJson(JsonObject line) => new(
        JsonLines.GetInt(line, "step"), JsonLines.GetText(line, "dataset"), JsonLines.GetInt(line, "budget"),
        JsonLines.GetInt(line, "samples"), JsonLines.GetInt(line, "problems"),
        JsonNumbers.Optional(line, "mean_at_k"), JsonNumbers.Optional(line, "pass_at_k"), JsonNumbers.Optional(line, "truncation_rate"),
        JsonNumbers.Optional(line, "mean_length"), JsonNumbers.Optional(line, "mean_length_correct"),
        JsonNumbers.Optional(line, "mean_length_incorrect"));
}
