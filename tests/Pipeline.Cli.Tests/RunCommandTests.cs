namespace Pipeline.Cli.Tests;

[Trait("Category", "Slow")]
public class RunCommandTests
{
    // Two steps of the shipped tiny model on a handful of prompts: just enough for a run folder with evaluations.
    private static readonly string TinySpec = $$"""
        apiVersion: pipeline.efficient-reasoning.dev/v1alpha1
        kind: Experiment
        metadata: { name: tiny-run }
        spec:
          model: { path: {{RepoPaths.InRepo("models/tiny-reasoner")}} }
          data:
            train: { source: "synthetic:arith", difficulty: easy }
            eval: [ { name: arith-test, source: "synthetic:arith?split=test", size: 4 } ]
          rollout: { groupSize: 2, maxTokens: 48 }
          optimizer: { promptsPerStep: 2, steps: 2 }
          evaluation: { every: 2, budgets: [16, 48], samples: 2 }
          seed: 1
        """;

    [Fact]
    public void Run_EndsWithTheReportPath()
    {
        var spec = CliRunner.TempFile(TinySpec, ".yaml");
        var folder = Path.Combine(Path.GetTempPath(), $"pipeline-run-{Guid.NewGuid():N}");

        var result = CliRunner.Run("run", spec, "--out", folder);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal($"report: {Path.Combine(folder, "report.html")}", result.StdoutLines[^1]);
        Assert.Contains("<h1>Run report: tiny-run</h1>", File.ReadAllText(Path.Combine(folder, "report.html")), StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }
}
