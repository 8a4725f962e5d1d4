namespace Pipeline.Chart.Tests;

/// <summary>The chart's example Experiments validate against the generated CRD, and the validator rejects a bad
/// Experiment naming the field (so a passing example means something).</summary>
public class ExampleTests
{
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(RepoPaths.InRepo("charts/pipeline/examples"), "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_validates_against_the_crd(string example)
    {
        var result = Tools.Validate(["--crd", Tools.RequireCrd(), RepoPaths.InRepo($"charts/pipeline/examples/{example}")]);
        Assert.True(result.ExitCode == 0, $"{example} does not validate against the CRD:{Environment.NewLine}{result.Describe()}");
    }

    [Fact]
    public void A_bad_experiment_fails_naming_each_field()
    {
        var bad = File.ReadAllText(RepoPaths.InRepo("charts/pipeline/examples/quickstart-cpu.yaml"))
            .Replace("    algorithm: grpo", "    algorithm: ppo-magic", StringComparison.Ordinal)
            .Replace("  seed: 0", "  seed: 0\n  learningRat: 1.0e-6", StringComparison.Ordinal);
        var result = Tools.Validate(["--crd", Tools.RequireCrd(), "-"], bad);
        Assert.True(result.ExitCode == 1, result.Describe());
        Assert.Contains("Experiment/quickstart: spec.learningRat: unknown field", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Experiment/quickstart: spec.optimizer.algorithm: must be one of:", result.Stdout, StringComparison.Ordinal);
    }
}
