// Loads the shared verifier tables: ../shared/data/verifier_cases.jsonl and answer_extraction_cases.jsonl, found
// by walking up from the test assembly to the folder holding Pipeline.sln. A missing file fails the test with the
// path it looked for: these tests must never pass by not running.
using System.Text.Json;

namespace Pipeline.Core.Tests.Verifiers;

/// <summary>One row of verifier_cases.jsonl.</summary>
public sealed record VerifierCase(
    int Id, string Output, string Gold, bool Equal, string Grader, string Source,
    JsonElement? Params, IReadOnlyList<string>? GoldList, string? Note)
{
    public bool HasParam(string name) => Params is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(name, out _);

    public JsonElement? Param(string name) =>
        Params is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty(name, out var v) ? v : null;
}

/// <summary>One row of answer_extraction_cases.jsonl.</summary>
public sealed record ExtractionCase(int Id, string Input, string? Expected, string Function);

internal static class VerifierTestData
{
    public static IReadOnlyList<VerifierCase> VerifierCases() =>
        ReadRows("verifier_cases.jsonl").Select(row => new VerifierCase(
            row.GetProperty("id").GetInt32(),
            row.GetProperty("output").GetString()!,
            row.GetProperty("gold").GetString()!,
            row.GetProperty("equal").GetBoolean(),
            row.GetProperty("grader").GetString()!,
            row.GetProperty("source").GetString()!,
            row.TryGetProperty("params", out var p) ? p.Clone() : null,
            row.TryGetProperty("gold_list", out var list) ? list.EnumerateArray().Select(g => g.GetString()!).ToList() : null,
            row.TryGetProperty("note", out var note) ? note.GetString() : null)).ToList();

    public static IReadOnlyList<ExtractionCase> ExtractionCases() =>
        ReadRows("answer_extraction_cases.jsonl").Select(row => new ExtractionCase(
            row.GetProperty("id").GetInt32(),
            row.GetProperty("input").GetString()!,
            row.GetProperty("expected").ValueKind == JsonValueKind.Null ? null : row.GetProperty("expected").GetString(),
            row.GetProperty("function").GetString()!)).ToList();

    private static List<JsonElement> ReadRows(string name)
    {
        return File.ReadLines(RepoPaths.SharedData(name))
            .Where(line => line.Trim().Length > 0)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone())
            .ToList();
    }
}
