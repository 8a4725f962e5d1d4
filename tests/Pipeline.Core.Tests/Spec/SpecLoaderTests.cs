using Pipeline.Core.Spec;

namespace Pipeline.Core.Tests.Spec;

public class SpecLoaderTests
{
    private const string Minimal = """
        apiVersion: pipeline.efficient-reasoning.dev/v1alpha1
        kind: Experiment
        metadata: { name: tiny }
        spec:
          model: { path: models/tiny-reasoner }
          data:
            train: { source: "synthetic:arith" }
        """;

    [Fact]
    public void Load_QuickstartExample_IsValid()
    {
        var result = SpecLoader.LoadFile(RepoPaths.InRepo("examples/quickstart.yaml"));

        Assert.Empty(result.Errors);
        Assert.Equal("quickstart", result.Document!.Metadata.Name);
        Assert.Equal(ShapingType.Truncation, result.Document.Spec.Reward.Shaping.Type);
        Assert.Equal(result.Document.Spec.Rollout.MaxTokens, result.Document.Spec.Reward.Shaping.TargetTokens);   // L_T = L_R
    }

    [Fact]
    public void Load_EveryExample_IsValid()
    {
        var files = Directory.GetFiles(RepoPaths.InRepo("examples"), "*.yaml");

        // SFT recipes (kind: Sft) are examples too, checked by their own loader.
        var errors = files.SelectMany(f => (SftSpecLoader.IsSftFile(f) ? SftSpecLoader.LoadFile(f).Errors : SpecLoader.LoadFile(f).Errors)
            .Select(e => $"{Path.GetFileName(f)}: {e}"));

        Assert.NotEmpty(files);
        Assert.Empty(errors);
    }

    [Fact]
    public void Load_MinimalSpec_FillsDocumentedDefaults()
    {
        var spec = SpecLoader.Load(Minimal).GetValidOrThrow("minimal").Spec;

        Assert.Equal(ModelDType.Float32, spec.Model.Dtype);
        Assert.Equal(8, spec.Rollout.GroupSize);
        Assert.Equal(128, spec.Rollout.MaxTokens);
        Assert.Equal(1.0, spec.Rollout.Temperature);
        Assert.Equal(VerifierKind.Math, spec.Reward.Verifier);
        Assert.Equal(ShapingType.Truncation, spec.Reward.Shaping.Type);
        Assert.Null(spec.Reward.Shaping.TargetTokens);
        Assert.Equal(MaskStrategy.None, spec.Reward.Mask);
        Assert.Equal(AdvantageAlgorithm.Grpo, spec.Optimizer.Algorithm);
        Assert.Equal(1e-6, spec.Optimizer.LearningRate);
        Assert.Equal((0.2, 0.28), (spec.Optimizer.Clip.Low, spec.Optimizer.Clip.High));
        Assert.Equal(LossAggregation.TokenMean, spec.Optimizer.LossAggregation);
        Assert.Equal(0, spec.Optimizer.MaxStaleness);
        Assert.Equal([16, 32, 64, 128, 256], spec.Evaluation.Budgets);
        Assert.Equal(EvaluationMode.Truncate, spec.Evaluation.Mode);
    }

    [Fact]
    public void Load_SeveralMistakes_ReportsEveryOneWithPathAndLine()
    {
        const string yaml = """
            apiVersion: pipeline.efficient-reasoning.dev/v1alpha1
            kind: Experiment
            metadata: { name: Bad_Name }
            spec:
              model: { path: models/tiny-reasoner }
              data:
                train: { source: "synthetic:arith" }
              rollout:
                groupSize: 1
                maxTokns: 64
              reward:
                shaping: { type: kimmi }
              optimizer:
                algorithm: ppo
              evaluation:
                budgets: [64, 32]
            """;

        var errors = SpecLoader.Load(yaml).Errors.Select(e => e.ToString()).ToList();

        Assert.Contains(errors, e => e.StartsWith("metadata.name: 'Bad_Name' is not a valid name", StringComparison.Ordinal) && e.Contains("(line 3,"));
        Assert.Contains("spec.rollout.groupSize: must be ≥ 2, got 1 (line 9, column 16)", errors);
        Assert.Contains("spec.rollout.maxTokns: unknown field 'maxTokns'; did you mean 'maxTokens'? (line 10, column 5)", errors);
        Assert.Contains(errors, e => e.StartsWith("spec.reward.shaping.type: unknown 'kimmi'; expected one of vanilla, truncation, kimi,", StringComparison.Ordinal) && e.Contains("(did you mean 'kimi'?)"));
        Assert.Contains(errors, e => e.StartsWith("spec.optimizer.algorithm: unknown 'ppo'; expected one of grpo, dr-grpo, rloo", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.evaluation.budgets[1]: budgets must be strictly increasing; 32 follows 64", StringComparison.Ordinal));
        Assert.Equal(6, errors.Count);
    }

    [Theory]
    [InlineData("apiVersion: x\nspec:\n  model:\n    path: a\n   rollout: 1\n", 5)]
    [InlineData("apiVersion: x\nspec:\n  model: { path: a\n  rollout: [1, 2\n", 3)]
    [InlineData("apiVersion: x\nkind: \"Experiment\n", 2)]
    public void Load_YamlSyntaxError_NamesLineAndColumn(string yaml, int line)
    {
        var error = Assert.Single(SpecLoader.Load(yaml).Errors);

        Assert.StartsWith("YAML syntax error:", error.Message, StringComparison.Ordinal);
        Assert.Equal(line, error.Line);
        Assert.NotNull(error.Column);
    }

    [Fact]
    public void Load_DuplicateKey_IsASyntaxErrorWithLine()
    {
        var yaml = Minimal + "\n  seed: 1\n  seed: 2\n";

        var error = Assert.Single(SpecLoader.Load(yaml).Errors);

        Assert.Contains("Duplicate key", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(9, error.Line);
    }

    [Theory]
    [InlineData("  rollout: { groupSize: \"8\" }", "spec.rollout.groupSize: expected an integer, got the string \"8\"")]
    [InlineData("  rollout: { temperature: hot }", "spec.rollout.temperature: expected a number, got 'hot'")]
    [InlineData("  rollout: { maxTokens: 1.5 }", "spec.rollout.maxTokens: expected an integer, got '1.5'")]
    [InlineData("  optimizer: { dynamicSampling: yes }", "spec.optimizer.dynamicSampling: expected true or false, got 'yes'")]
    [InlineData("  rollout: [1, 2]", "spec.rollout: expected a mapping of fields, got a list")]
    [InlineData("  model: ~", "spec.model: must not be empty; expected a mapping of fields")]
    [InlineData("  evaluation: { budgets: 64 }", "spec.evaluation.budgets: expected a list, got '64'")]
    public void Load_WrongTypes_AreReportedWithExpectation(string line, string expected)
    {
        var yaml = Minimal.Replace("  model: { path: models/tiny-reasoner }", line.StartsWith("  model", StringComparison.Ordinal) ? line : "  model: { path: models/tiny-reasoner }\n" + line, StringComparison.Ordinal);

        var errors = SpecLoader.Load(yaml).Errors.Select(e => e.ToString());

        Assert.Contains(errors, e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Load_TopLevelUnknownField_IsAnError()
    {
        var errors = SpecLoader.Load(Minimal + "\nstatus: {}\n").Errors;

        var error = Assert.Single(errors);
        Assert.Equal("status", error.Path);
        Assert.StartsWith("unknown field 'status'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyFile_SaysSo()
    {
        var error = Assert.Single(SpecLoader.Load("").Errors);

        Assert.Contains("empty file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadFile_MissingFile_NamesThePath()
    {
        var error = Assert.Single(SpecLoader.LoadFile("/nonexistent/spec.yaml").Errors);

        Assert.Equal("/nonexistent/spec.yaml: no such file", error.Message);
    }

    [Fact]
    public void GetValidOrThrow_InvalidSpec_ListsEveryError()
    {
        var result = SpecLoader.Load(Minimal + "\n  seed: -1\n  rollout: { topP: 0 }");

        var e = Assert.Throws<SpecException>(() => result.GetValidOrThrow("x.yaml"));

        Assert.Equal(2, e.Errors.Count);
        Assert.Contains("spec.seed: must be ≥ 0, got -1", e.Message, StringComparison.Ordinal);
    }
}
