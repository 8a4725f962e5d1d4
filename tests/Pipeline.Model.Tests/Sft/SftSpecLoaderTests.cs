using Pipeline.Core.Spec;

namespace Pipeline.Model.Tests.Sft;

public class SftSpecLoaderTests
{
    private const string Header = """
        apiVersion: pipeline.efficient-reasoning.dev/v1alpha1
        kind: Sft
        metadata: { name: tiny }

        """;

    [Fact]
    public void ShippedRecipe_IsValid_AndWritesTheShippedModel()
    {
        var path = RepoPaths.InRepo("examples/sft-tiny-reasoner.yaml");

        var result = SftSpecLoader.LoadFile(path);

        Assert.Empty(result.Errors);
        Assert.True(SftSpecLoader.IsSftFile(path));
        Assert.Equal("models/tiny-reasoner", result.Document!.Spec.Output.Path);
    }

    [Fact]
    public void MinimalRecipe_FillsDocumentedDefaults()
    {
        var spec = SftSpecLoader.Load(Header + "spec: { output: { path: out } }").GetValidOrThrow("minimal").Spec;

        Assert.Equal((128, 4, 4, 2, 32), (spec.Model.HiddenSize, spec.Model.Layers, spec.Model.Heads, spec.Model.KvHeads, spec.Model.HeadDim));
        Assert.Equal("synthetic:arith", spec.Task.Source);
        Assert.Equal((0.0, 1.0), (spec.Verbosity.Min, spec.Verbosity.Max));
        Assert.Equal(ModelDType.BFloat16, spec.Output.Dtype);
        Assert.Equal([32, 64, 128, 256], spec.Evaluation.Final!.Budgets);
        Assert.Equal(1, spec.Threads);
    }

    [Fact]
    public void BadRecipe_ReportsEveryProblemWithPathAndLine()
    {
        const string yaml = Header + """
            spec:
              model: { heads: 4, kvHeads: 3, hiddenSise: 64 }
              task: { source: "data/x.jsonl", mix: { easy: -0.1 } }
              verbosity: { min: 0.8, max: 0.2 }
              optimizer: { steps: 10, warmupSteps: 20, learningRate: "fast" }
              evaluation: { final: { budgets: [64, 32] } }
            """;

        var errors = SftSpecLoader.Load(yaml).Errors.Select(e => e.ToString()).ToList();

        Assert.Contains(errors, e => e.StartsWith("spec.model.hiddenSise: unknown field 'hiddenSise'; did you mean 'hiddenSize'? (line 5", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.model.kvHeads: must divide heads (4), got 3 (line 5", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.task.source: SFT trains on the built-in task only", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.task.mix.easy: must be ≥ 0, got -0.1", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.verbosity: min (0.8) must not exceed max (0.2)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.optimizer.warmupSteps: must not exceed steps (10), got 20", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.optimizer.learningRate: expected a number, got the string \"fast\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.evaluation.final.budgets[1]: budgets must be strictly increasing", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.output.path: required", StringComparison.Ordinal));
        Assert.Equal(9, errors.Count);
    }

    [Fact]
    public void ExperimentFile_IsNotAnSftFile()
    {
        Assert.False(SftSpecLoader.IsSftFile(RepoPaths.InRepo("examples/quickstart.yaml")));
    }
}
