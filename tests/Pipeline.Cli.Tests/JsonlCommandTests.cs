using System.Text.Json.Nodes;

namespace Pipeline.Cli.Tests;

public class JsonlCommandTests
{
    private static JsonObject[] Parse(CliResult result) =>
        result.StdoutLines.Select(l => JsonNode.Parse(l)!.AsObject()).ToArray();

    [Fact]
    public void Verify_KeepsFieldsAndOrder_AddsEqualAndExtracted()
    {
        var input = CliRunner.TempFile("""
            {"id": 1, "output": "so the answer is \\boxed{\\frac{1}{2}}", "gold": "0.5"}
            {"id": 2, "output": "<think>maybe 7</think> The answer is \\boxed{8}.", "gold": "7"}
            {"id": 3, "output": "\\boxed{1,000}", "gold": 1000}
            """, ".jsonl");

        var result = CliRunner.Run("verify", "--input", input);

        var rows = Parse(result);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal([1, 2, 3], rows.Select(r => (int)r["id"]!));
        Assert.Equal([true, false, true], rows.Select(r => (bool)r["equal"]!));
        Assert.Equal("\\frac{1}{2}", (string?)rows[0]["extracted"]);
        Assert.Equal("8", (string?)rows[1]["extracted"]);
    }

    [Fact]
    public void Verify_MalformedLines_AreReportedWithLineNumbersAndKeptInPlace()
    {
        var input = CliRunner.TempFile("""
            {"output": "\\boxed{2}", "gold": "2"}
            {"output": "\\boxed{2}"
            {"gold": "2"}
            {"output": "\\boxed{3}", "gold": "3"}
            """, ".jsonl");

        var result = CliRunner.Run("verify", "--input", input);

        var rows = Parse(result);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(4, rows.Length);
        Assert.Equal(2, (int)rows[1]["line"]!);
        Assert.Equal("missing field 'output'", (string?)rows[2]["error"]);
        Assert.True((bool)rows[3]["equal"]!);
        Assert.Contains(result.StderrLines, l => l.StartsWith($"{input}:2: invalid JSON", StringComparison.Ordinal));
        Assert.Contains($"{input}:3: missing field 'output'", result.StderrLines);
    }

    [Fact]
    public void Score_TruncationGrpo_MatchesHandComputedGroup()
    {
        // L_T = L_R = 128. Rewards: correct&finished&short = 1; correct but cut = 0; wrong = 0; correct = 1.
        // GRPO over {1, 0, 0, 1}: mean 0.5, population std 0.5 -> advantages ±1 (ε = 1e-6 makes it 0.999998).
        var input = CliRunner.TempFile("""
            {"gold": "12", "responses": [{"text": "\\boxed{12}", "length": 40, "finished": true}, {"text": "\\boxed{12}", "length": 128, "finished": false}, {"text": "\\boxed{13}", "length": 30, "finished": true}, {"text": "so \\boxed{12}", "length": 90}]}
            """, ".jsonl");

        var spec = CliRunner.TempFile("""
            apiVersion: pipeline.efficient-reasoning.dev/v1alpha1
            kind: Experiment
            metadata: { name: score-test }
            spec:
              model: { path: models/tiny-reasoner }
              data: { train: { source: "synthetic:arith" } }
              rollout: { maxTokens: 128 }
              reward: { shaping: { type: truncation, targetTokens: 128 } }
            """, ".yaml");

        var result = CliRunner.Run("score", "--spec", spec, "--input", input);

        var row = Assert.Single(Parse(result));
        Assert.Equal(0, result.ExitCode);
        Assert.Equal([true, true, false, true], row["correct"]!.AsArray().Select(n => (bool)n!));
        Assert.Equal([1.0, 0, 0, 1], row["reward"]!.AsArray().Select(n => (double)n!));
        Assert.Equal([true, true, true, true], row["mask"]!.AsArray().Select(n => (bool)n!));
        var advantages = row["advantage"]!.AsArray().Select(n => (double)n!).ToArray();
        Assert.Equal([1.0, -1, -1, 1], advantages.Select(a => Math.Round(a, 4)));
    }

    [Fact]
    public void Score_ResponseWithoutLength_IsReportedWithItsIndex()
    {
        var input = CliRunner.TempFile("""
            {"gold": "1", "responses": [{"text": "\\boxed{1}", "length": 3}, {"text": "\\boxed{1}"}]}
            """, ".jsonl");

        var spec = CliRunner.TempFile("""
            apiVersion: pipeline.efficient-reasoning.dev/v1alpha1
            kind: Experiment
            metadata: { name: score-test }
            spec:
              model: { path: models/tiny-reasoner }
              data: { train: { source: "synthetic:arith" } }
              rollout: { maxTokens: 128 }
              reward: { shaping: { type: truncation, targetTokens: 128 } }
            """, ".yaml");

        var result = CliRunner.Run("score", "--spec", spec, "--input", input);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{input}:1: responses[1]: missing field 'length'", result.StderrLines);
    }

    [Fact]
    public void Score_InvalidSpec_IsRejectedBeforeReadingInput()
    {
        var spec = CliRunner.TempFile("apiVersion: v0\n", ".yaml");

        var result = CliRunner.Run("score", "--spec", spec, "--input", "does-not-matter.jsonl");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(result.StderrLines, l => l.StartsWith($"{spec}: apiVersion: expected", StringComparison.Ordinal));
        Assert.Empty(result.Stdout);
    }
}
