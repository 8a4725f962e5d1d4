using System.Text.Json.Nodes;

namespace Pipeline.Cli.Tests;

/// <summary>
/// <c>pipeline eval</c> on the shipped tiny-reasoner, run once per mode for the class (8 easy test problems × 2 samples at
/// budgets 32 and 128: seconds), then read back: results.json, eval.jsonl and eval/step-0-SET.json must agree.
/// </summary>
public sealed class EvalRunsFixture
{
    internal EvalRun Truncate { get; } = EvalRun.Of("truncate");

    internal EvalRun ForceAnswer { get; } = EvalRun.Of("force-answer");
}

internal sealed record EvalRun(string Folder, CliResult Result)
{
    public static EvalRun Of(string mode)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"pipeline-eval-{Guid.NewGuid():N}");
        var result = CliRunner.Run("eval", "--model", "models/tiny-reasoner", "--data", "synthetic:arith?split=test", "--size", "8",
            "--samples", "2", "--budgets", "32,128", "--mode", mode, "--seed", "3", "--out", folder);
        return new EvalRun(folder, result);
    }

    public JsonObject Results => JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "results.json")))!.AsObject();

    public JsonObject Dataset => Results["datasets"]![0]!.AsObject();

    public IReadOnlyList<JsonObject> EvalLines =>
        File.ReadLines(Path.Combine(Folder, "eval.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
}

public class EvalCommandTests(EvalRunsFixture runs) : IClassFixture<EvalRunsFixture>
{
    private static readonly string[] BudgetKeys =
    [
        "budget", "mean_at_k", "pass_at_k", "truncation_rate", "mean_length", "median_length", "p90_length",
        "mean_length_correct", "mean_length_incorrect", "histogram_correct", "histogram_incorrect",
    ];

    [Fact]
    public void Eval_SyntheticTestSplit_WritesResultsOfTheDocumentedShape()
    {
        var run = runs.Truncate;

        Assert.Equal(0, run.Result.ExitCode);
        Assert.Equal(("models/tiny-reasoner", "truncate", 2), ((string?)run.Results["model"], (string?)run.Results["mode"], (int)run.Results["samples"]!));
        Assert.Equal("arith-test", (string?)run.Dataset["name"]);
        Assert.Equal([32, 128], run.Dataset["budgets"]!.AsArray().Select(b => (int)b!["budget"]!));
        Assert.All(run.Dataset["budgets"]!.AsArray(), b => Assert.All(BudgetKeys, key => Assert.True(b!.AsObject().ContainsKey(key), key)));
        var problems = run.Dataset["problems"]!.AsArray();
        Assert.Equal(8, problems.Count);
        Assert.All(problems, p => Assert.Equal(2, p!["samples"]!.AsArray().Count));
        Assert.All(problems.SelectMany(p => p!["samples"]!.AsArray()), s => Assert.InRange((int)s!["length"]!, 1, 128));
        Assert.True(File.Exists(Path.Combine(run.Folder, "eval", "step-0-arith-test.json")));
    }

    [Fact]
    public void Eval_WritesAReportOfTheFolder()
    {
        var run = runs.Truncate;

        var report = Path.Combine(run.Folder, "report.html");
        Assert.Equal($"report: {report}", run.Result.StdoutLines[^1]);
        Assert.Contains("Accuracy vs budget", File.ReadAllText(report), StringComparison.Ordinal);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(run.Folder, "report"), "*.png"));
    }

    [Fact]
    public void Eval_ResultsJson_AgreesWithEvalJsonlAndWithItsOwnSamples()
    {
        var run = runs.Truncate;

        var lines = run.EvalLines;
        var budgets = run.Dataset["budgets"]!.AsArray();
        Assert.Equal(2, lines.Count);
        foreach (var (line, budget) in lines.Zip(budgets))
        {
            Assert.Equal((0, "arith-test", 8, 2), ((int)line["step"]!, (string?)line["dataset"], (int)line["problems"]!, (int)line["samples"]!));
            foreach (var key in new[] { "budget", "mean_at_k", "pass_at_k", "truncation_rate", "mean_length", "median_length", "p90_length" })
                Assert.Equal(line[key]?.ToJsonString(), budget![key]?.ToJsonString());
        }
        // Mean@k at each budget from the per-problem correct counts; at the largest budget, from the samples themselves.
        var problems = run.Dataset["problems"]!.AsArray();
        for (var b = 0; b < budgets.Count; b++)
            Assert.Equal((double)budgets[b]!["mean_at_k"]!, problems.Average(p => (int)p!["correct_by_budget"]![b]! / 2.0), 12);
        var samples = problems.SelectMany(p => p!["samples"]!.AsArray()).ToList();
        Assert.Equal((double)budgets[1]!["mean_at_k"]!, samples.Average(s => (bool)s!["finished"]! && (bool)s["correct"]! ? 1.0 : 0.0), 12);
        Assert.Equal(16, budgets.Sum(b => b!["histogram_correct"]!["counts"]!.AsArray().Sum(c => (int)c!) + b["histogram_incorrect"]!["counts"]!.AsArray().Sum(c => (int)c!)) / 2);
    }

    [Fact]
    public void Eval_PrintsAProgressLineAndAPerBudgetTable()
    {
        var lines = runs.Truncate.Result.StdoutLines;

        Assert.Contains("  8/8 (100 %)", lines);
        Assert.Contains(lines, l => l.StartsWith("arith-test: 8 problems × 2 samples, truncate", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("budget |  Mean@2 |  Pass@2 | truncated", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("32 |", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.TrimStart().StartsWith("128 |", StringComparison.Ordinal));
    }

    [Fact]
    public void Eval_ForceAnswer_RecordsForcedAnswersAndNeverScoresBelowTruncate()
    {
        var (truncate, forced) = (runs.Truncate, runs.ForceAnswer);

        Assert.Equal(0, forced.Result.ExitCode);
        Assert.Equal("force-answer", (string?)forced.Results["mode"]);
        var cutAt32 = forced.Dataset["problems"]!.AsArray().SelectMany(p => p!["samples"]!.AsArray())
            .Where(s => !((bool)s!["finished"]! && (int)s["length"]! <= 32)).ToList();
        Assert.NotEmpty(cutAt32);
        Assert.All(cutAt32, s => Assert.Equal(32, (int)s!["forced"]![0]!["budget"]!));
        Assert.Equal((string?)truncate.Dataset["budgets"]![0]!["truncation_rate"]!.ToJsonString(), forced.Dataset["budgets"]![0]!["truncation_rate"]!.ToJsonString());
        Assert.True((double)forced.Dataset["budgets"]![0]!["mean_at_k"]! >= (double)truncate.Dataset["budgets"]![0]!["mean_at_k"]!);
    }

    [Fact]
    public void Eval_JsonlWithCustomFieldNames_UsesThemAndTheGivenName()
    {
        var data = CliRunner.TempFile("""
            {"q": "What is 2+3?", "sol": "5"}
            {"q": "What is 9-4?", "sol": "5"}
            {"q": "What is 3+4?", "sol": "7"}
            """, ".jsonl");
        var folder = Path.Combine(Path.GetTempPath(), $"pipeline-eval-{Guid.NewGuid():N}");

        var result = CliRunner.Run("eval", "--model", "models/tiny-reasoner", "--data", $"mini={data}", "--fields", "problem=q,answer=sol",
            "--samples", "2", "--budgets", "64", "--out", folder);

        Assert.Equal(0, result.ExitCode);
        var dataset = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "results.json")))!["datasets"]![0]!;
        Assert.Equal(("mini", 3), ((string?)dataset["name"], (int)dataset["problem_count"]!));
        Assert.Equal(["5", "5", "7"], dataset["problems"]!.AsArray().Select(p => (string?)p!["gold"]));
        Assert.True(File.Exists(Path.Combine(folder, "eval", "step-0-mini.json")));
    }

    [Theory]
    [InlineData("{\"problem\": \"What is 1+1?\", \"answer\": \"2\"}\n{\"problem\": oops}\n", "--budgets=32", ":2: invalid JSON")]
    [InlineData("{\"problem\": \"What is 1+1?\", \"answer\": \"2\"}\n", "--fields=problem=question", ":1: missing field 'question' (the row has: problem, answer)")]
    [InlineData("{\"problem\": \"What is 1+1?\", \"answer\": \"2\"}\n", "--budgets=64,32", "--budgets: budgets must be strictly increasing; 32 follows 64")]
    [InlineData("{\"problem\": \"What is 1+1?\", \"answer\": \"2\"}\n", "--budgets=0,32", "--budgets: '0' is not a whole number ≥ 1")]
    [InlineData("{\"problem\": \"What is 1+1?\", \"answer\": \"2\"}\n", "--mode=forced", "--mode: unknown 'forced'; expected one of truncate, force-answer")]
    public void Eval_BadInput_IsOneClearErrorAndWritesNothing(string jsonl, string option, string message)
    {
        var data = CliRunner.TempFile(jsonl, ".jsonl");
        var folder = Path.Combine(Path.GetTempPath(), $"pipeline-eval-{Guid.NewGuid():N}");

        var result = CliRunner.Run("eval", "--model", "models/tiny-reasoner", "--data", data, option, "--out", folder);

        Assert.NotEqual(0, result.ExitCode);
        var error = Assert.Single(result.StderrLines);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void Eval_MissingFile_NamesIt()
    {
        var result = CliRunner.Run("eval", "--model", "models/tiny-reasoner", "--data", "/no/such/data.jsonl", "--out", Path.GetTempPath());

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: /no/such/data.jsonl: no such file", result.Stderr.Trim());
    }

    [Fact]
    public void Eval_FolderThatHoldsAnEvaluation_IsRefused()
    {
        var result = CliRunner.Run("eval", "--model", "models/tiny-reasoner", "--data", "synthetic:arith?split=test", "--out", runs.Truncate.Folder);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("already holds an evaluation", result.Stderr, StringComparison.Ordinal);
    }
}
