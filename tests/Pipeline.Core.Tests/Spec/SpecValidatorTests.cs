using Pipeline.Core.Spec;

namespace Pipeline.Core.Tests.Spec;

public class SpecValidatorTests
{
    private static IReadOnlyList<string> ErrorsOf(string specBody)
    {
        var yaml = $"""
            apiVersion: pipeline.efficient-reasoning.dev/v1alpha1
            kind: Experiment
            metadata: {"{"} name: t {"}"}
            spec:
              model: {"{"} path: m {"}"}
            {specBody}
            """;
        return SpecLoader.Load(yaml).Errors.Select(e => $"{e.Path}: {e.Message}").ToList();
    }

    private const string Train = "  data: { train: { source: \"synthetic:arith\" } }\n";

    [Theory]
    [InlineData("truncate")]
    [InlineData("force-answer")]
    public void Validate_EvaluationModes_AreAccepted(string mode)
    {
        var errors = ErrorsOf(Train + $"  evaluation: {{ budgets: [16, 64], mode: {mode} }}");

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_ShapingParameterNotUsedByScheme_IsRejected()
    {
        var errors = ErrorsOf(Train + "  reward: { shaping: { type: truncation, beta: 0.5 } }");

        Assert.Contains(errors, e => e.StartsWith("spec.reward.shaping.beta: not used by 'truncation'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ThinkPruneWithoutSchedule_AsksForIt()
    {
        var errors = ErrorsOf(Train + "  reward: { shaping: { type: think-prune } }");

        Assert.Contains(errors, e => e.StartsWith("spec.reward.shaping.schedule: required by 'think-prune'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ScheduleThatLoosens_IsRejected()
    {
        var errors = ErrorsOf(Train + """
              rollout: { maxTokens: 4096 }
              reward:
                shaping:
                  type: think-prune
                  schedule: [ { step: 0, targetTokens: 4096 }, { step: 0, targetTokens: 3072 }, { step: 50, targetTokens: 3500 } ]
            """);

        Assert.Contains("spec.reward.shaping.schedule[1].step: steps must increase; 0 follows 0", errors);
        Assert.Contains("spec.reward.shaping.schedule[2].targetTokens: the limit must tighten over rounds; 3500 follows 3072", errors);
    }

    [Fact]
    public void Validate_TargetAboveRolloutLimit_IsRejected()
    {
        var errors = ErrorsOf(Train + "  rollout: { maxTokens: 64 }\n  reward: { shaping: { type: truncation, targetTokens: 128 } }");

        Assert.Contains("spec.reward.shaping.targetTokens: must be in [1, rollout.maxTokens = 64] (L_T ≤ L_R), got 128", errors);
    }

    [Theory]
    [InlineData("synthetic:arithmetic", "spec.data.train.source: unknown synthetic task 'arithmetic'; expected one of arith")]
    [InlineData("synthetic:arith?split=dev", "spec.data.train.source: unknown split 'dev'; expected one of train, test")]
    [InlineData("data/problems.csv", "spec.data.train.source: 'data/problems.csv' is neither 'synthetic:<task>' nor a file ending in .jsonl or .parquet")]
    [InlineData("", "spec.data.train.source: required; expected 'synthetic:arith' or a .jsonl/.parquet path")]
    public void Validate_BadSource_SaysWhatIsExpected(string source, string expected)
    {
        var errors = ErrorsOf($"  data: {{ train: {{ source: \"{source}\" }} }}");

        Assert.Contains(expected, errors);
    }

    [Fact]
    public void Validate_DifficultyOnFileSource_IsRejected()
    {
        var errors = ErrorsOf("  data: { train: { source: math.jsonl, difficulty: hard } }");

        Assert.Contains(errors, e => e.StartsWith("spec.data.train.difficulty: applies only to synthetic sources", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PassRateFilterWithoutBounds_AsksForOne()
    {
        var errors = ErrorsOf("  data: { train: { source: \"synthetic:arith\" }, filter: { passRate: { samples: 0 } } }");

        Assert.Contains("spec.data.filter.passRate.samples: must be ≥ 1, got 0", errors);
        Assert.Contains(errors, e => e.StartsWith("spec.data.filter.passRate: set 'above'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DuplicateEvalNames_AreRejected()
    {
        var errors = ErrorsOf(Train.TrimEnd('\n').Replace(" } }", " }, eval: [ { name: a, source: x.jsonl }, { name: a, source: y.jsonl } ] }", StringComparison.Ordinal));

        Assert.Contains("spec.data.eval[1].name: duplicate evaluation set name 'a'", errors);
    }

    [Fact]
    public void Validate_RangeChecks_CoverTheOptimizer()
    {
        var errors = ErrorsOf(Train + "  optimizer: { learningRate: 0, clip: { low: 1.5 }, promptsPerStep: 2, miniBatches: 4, microBatchTokens: 16 }");

        Assert.Contains("spec.optimizer.learningRate: must be in (0, 1], got 0", errors);
        Assert.Contains("spec.optimizer.clip.low: must be in (0, 1], got 1.5", errors);
        Assert.Contains(errors, e => e.StartsWith("spec.optimizer.miniBatches: must be ≤ promptsPerStep (2)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.optimizer.microBatchTokens: must be ≥ rollout.maxTokens (128)", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_GreedyRollouts_AreRejectedWithReason()
    {
        var errors = ErrorsOf(Train + "  rollout: { temperature: 0 }");

        Assert.Contains(errors, e => e.StartsWith("spec.rollout.temperature: must be > 0 (greedy groups have no variance", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_WrongApiVersionAndKind_AreReported()
    {
        var errors = SpecLoader.Load("apiVersion: v1\nkind: Pod\nmetadata: { name: x }\nspec: { model: { path: m }, data: { train: { source: a.jsonl } } }").Errors;

        Assert.Equal(["apiVersion", "kind"], errors.Select(e => e.Path));
    }
}
