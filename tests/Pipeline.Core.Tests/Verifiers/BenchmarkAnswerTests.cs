// Self-consistency on public benchmarks in ../shared/data: every MATH-500 `answer` matches the box of its own
// worked `solution`, every GSM8K `solution` (ending in `#### X`) matches its `answer`, and every AIME/AMC answer
// matches itself boxed without zero padding. These are real gold spellings (\text{}, \$, \!, units, tuples,
// intervals, matrices), so they guard the normaliser against regressions. Also a coarse speed check.
using System.Diagnostics;
using System.Text.Json;
using Pipeline.Core.Spec;
using Pipeline.Core.Verifiers;

namespace Pipeline.Core.Tests.Verifiers;

public sealed class BenchmarkAnswerTests
{
    private readonly IVerifier _verifier = VerifierRegistry.Create(VerifierKind.Math);

    [Fact]
    public void Verify_Math500AnswerAgainstItsWorkedSolution_IsCorrect()
    {
        var rows = Rows("math500_test.jsonl");
        var clock = Stopwatch.StartNew();

        var failures = rows
            .Where(row => !_verifier.Verify($"So the result is \\boxed{{{row["answer"]}}}.", row["solution"]).Correct
                || !_verifier.Verify(row["solution"], row["answer"]).Correct)
            .Select(row => row["answer"])
            .ToList();

        Assert.Equal(500, rows.Count);
        Assert.Empty(failures);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"1000 verifications took {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public void Verify_Gsm8kSolutionAgainstItsAnswer_IsCorrect()
    {
        var rows = Rows("gsm8k_test.jsonl");

        var failures = rows.Where(row => !_verifier.Verify(row["solution"], row["answer"]).Correct).Select(row => row["answer"]).ToList();

        Assert.Equal(1319, rows.Count);
        Assert.Empty(failures);
    }

    [Theory]
    [InlineData("aime2024.jsonl")]
    [InlineData("aime2025.jsonl")]
    [InlineData("amc2023.jsonl")]
    public void Verify_CompetitionAnswerWithoutZeroPadding_IsCorrect(string file)
    {
        var rows = Rows(file);

        var failures = rows.Where(row => !_verifier.Verify($"\\boxed{{{row["answer"].TrimStart('0')}}}", row["answer"]).Correct).ToList();

        Assert.NotEmpty(rows);
        Assert.Empty(failures);
    }

    private static List<Dictionary<string, string>> Rows(string file)
    {
        var path = RepoPaths.SharedData(file);
        Assert.True(File.Exists(path), $"shared test data missing: {path}");
        return File.ReadLines(path)
            .Where(line => line.Trim().Length > 0)
            .Select(line => JsonDocument.Parse(line).RootElement.EnumerateObject()
                .Where(p => p.Value.ValueKind == JsonValueKind.String)
                .ToDictionary(p => p.Name, p => p.Value.GetString()!))
            .ToList();
    }
}
