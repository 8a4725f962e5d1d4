namespace Pipeline.Cli.Tests;

public class ValidateCommandTests
{
    [Fact]
    public void Validate_Quickstart_PrintsOkAndExitsZero()
    {
        var result = CliRunner.Run("validate", "examples/quickstart.yaml");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("ok", result.Stdout.Trim());
    }

    [Fact]
    public void Validate_SpecWithSeveralMistakes_PrintsEveryOneAndExitsOne()
    {
        var spec = CliRunner.TempFile("""
            apiVersion: pipeline.efficient-reasoning.dev/v1alpha1
            kind: Experiment
            metadata: { name: demo }
            spec:
              model: { path: m }
              data: { train: { source: "synthetic:arith" } }
              rollout: { groupSize: 1 }
              reward: { shaping: { type: kimmi } }
              optimizer: { lossAgregation: token-mean }
            """, ".yaml");

        var result = CliRunner.Run("validate", spec);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(3, result.StdoutLines.Length);
        Assert.Contains(result.StdoutLines, l => l.Contains("spec.rollout.groupSize: must be ≥ 2, got 1 (line 7,", StringComparison.Ordinal));
        Assert.Contains(result.StdoutLines, l => l.Contains("spec.reward.shaping.type: unknown 'kimmi'; expected one of vanilla, truncation, kimi", StringComparison.Ordinal));
        Assert.Contains(result.StdoutLines, l => l.Contains("spec.optimizer.lossAgregation: unknown field 'lossAgregation'; did you mean 'lossAggregation'?", StringComparison.Ordinal));
        Assert.All(result.StdoutLines, l => Assert.StartsWith(spec + ": ", l, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_MissingFile_SaysSo()
    {
        var result = CliRunner.Run("validate", "no/such/spec.yaml");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no/such/spec.yaml: no such file", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_MissingModelFolder_IsReportedBeforeAnyWork()
    {
        var spec = CliRunner.TempFile(File.ReadAllText(RepoPaths.InRepo("examples/quickstart.yaml"))
            .Replace("path: models/tiny-reasoner", "path: /no/such/model", StringComparison.Ordinal), ".yaml");
        var output = Path.Combine(Path.GetTempPath(), $"pipeline-run-{Guid.NewGuid():N}");

        var result = CliRunner.Run("run", spec, "--out", output);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: /no/such/model: no such model folder", result.Stderr.Trim());
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Explain_UnknownPath_SuggestsTheNearestField()
    {
        var result = CliRunner.Run("explain", "spec.reward.shapng");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("did you mean 'spec.reward.shaping'?", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_Section_ListsItsFieldsWithDefaults()
    {
        var result = CliRunner.Run("explain", "spec.rollout");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("spec.rollout.groupSize <integer>", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Default 8", result.Stdout, StringComparison.Ordinal);
    }
}
