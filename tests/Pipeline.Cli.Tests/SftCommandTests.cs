using Pipeline.Model;

namespace Pipeline.Cli.Tests;

public class SftCommandTests
{
    private const string TinyRecipe = """
        apiVersion: pipeline.efficient-reasoning.dev/v1alpha1
        kind: Sft
        metadata: { name: tiny }
        spec:
          model: { hiddenSize: 16, layers: 1, heads: 2, kvHeads: 1, headDim: 8, intermediateSize: 32 }
          task: { problems: 300 }
          optimizer: { steps: 3, batchSize: 4, warmupSteps: 1, bucketBatches: 2 }
          evaluation: { every: 3, problems: 2, final: { problems: 2, samples: 1, budgets: [8, 16], passRateSamples: 2 } }
          output: { path: OUT }
        """;

    [Fact]
    public void Sft_TinyRecipe_WritesALoadableFolder_AndPrintsSummaryAndReport()
    {
        var output = Path.Combine(Path.GetTempPath(), $"pipeline-sft-{Guid.NewGuid():N}");
        var spec = CliRunner.TempFile(TinyRecipe.Replace("OUT", output, StringComparison.Ordinal), ".yaml");

        var result = CliRunner.Run("sft", spec);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("tokens per prompt: mean", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("step 3/3", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("step 3: greedy accuracy", result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"wrote {output}", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("pass rate > 0.5:", result.Stdout, StringComparison.Ordinal);
        foreach (var file in new[] { "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "generation_config.json", "sft_eval.json" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        using var loaded = ModelFolder.Load(output);
        Assert.Equal(loaded.Tokenizer.TokenToId("<|im_end|>"), loaded.EosTokenIds[0]);
        Directory.Delete(output, recursive: true);
    }

    [Fact]
    public void Sft_InvalidRecipe_ReportsEveryProblemAndExitsOne()
    {
        var spec = CliRunner.TempFile(TinyRecipe.Replace("steps: 3", "steps: 0", StringComparison.Ordinal).Replace("OUT", "", StringComparison.Ordinal), ".yaml");

        var result = CliRunner.Run("sft", spec);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("spec.optimizer.steps: must be ≥ 1, got 0", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("spec.output.path: required", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SftRecipe_PrintsOk()
    {
        var result = CliRunner.Run("validate", "examples/sft-tiny-reasoner.yaml");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("ok", result.Stdout.Trim());
    }
}
