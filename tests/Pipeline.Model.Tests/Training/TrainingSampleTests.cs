// Building samples from generation results and scored groups, their validation, the options taken from a spec, and
// the snake_case names of the step statistics in metrics.jsonl.
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Core.Scoring;
using Pipeline.Core.Spec;
using Pipeline.Model.Generation;
using Pipeline.Model.Training;

namespace Pipeline.Model.Tests.Training;

public class TrainingSampleTests
{
    [Fact]
    public void FromGroup_TakesIdsRawLogProbsAdvantagesAndMask()
    {
        GenerationResult[] results =
        [
            new([5, 6, 2], [-0.5f, -0.6f, -0.1f], [-0.4f, -0.7f, -0.2f], FinishReason.Stop, null),
            new([7], [-1f], [-1.5f], FinishReason.Length, null),
        ];
        var scored = new ScoredResponses([true, false], ["1", null], [1, 0], [true, false], [0.9, -0.9]);

        var samples = TrainingSample.FromGroup([1, 2, 3], results, scored, policyVersion: 4, groupId: "p7");

        Assert.Equal([1, 2, 3, 5, 6, 2], samples[0].Sequence());
        Assert.Equal([-0.4f, -0.7f, -0.2f], samples[0].OldLogProbs);
        Assert.Equal((0.9, true, 4L, "p7"), (samples[0].Advantage, samples[0].Trains, samples[0].PolicyVersion, samples[0].GroupId));
        Assert.Equal((-0.9, false), (samples[1].Advantage, samples[1].Trains));
        Assert.False(samples[1].Contributes);
    }

    [Fact]
    public void FromGroup_ScoredListsOfAnotherLength_Throws()
    {
        var scored = new ScoredResponses([true], [null], [1], [true], [0.5]);

        Assert.Throws<ArgumentException>(() => TrainingSample.FromGroup([1], [], scored, 0, "g"));
    }

    [Fact]
    public void Validate_ListsEveryProblem()
    {
        TrainingSample[] samples = [new([], [1], [0f], 0, true, 0, "g"), new([1], [1, 2], [0f], 0, true, 0, "g")];

        var error = Assert.Throws<ArgumentException>(() => TrainingSample.Validate(samples, "batch"));

        Assert.Contains("sample 0: the prompt is empty", error.Message);
        Assert.Contains("sample 1: 1 old log-probabilities for 2 response tokens", error.Message);
    }

    [Fact]
    public void LearnerOptions_FromSpec_MapsOptimizerAndRolloutFields()
    {
        var spec = new ExperimentSpec { Seed = 3 };
        spec.Rollout.MaxTokens = 256;
        spec.Rollout.Temperature = 0.8;
        spec.Optimizer.Kl.Coef = 0.05;
        spec.Optimizer.LossAggregation = LossAggregation.SeqMeanTokenSumNorm;
        spec.Optimizer.WarmupSteps = 10;

        var options = LearnerOptions.FromSpec(spec);

        Assert.Equal((0.2, 0.28, 0.05, 256.0), (options.Loss.ClipLow, options.Loss.ClipHigh, options.Loss.KlCoef, options.Loss.LossScaleTokens));
        Assert.Equal((LossAggregation.SeqMeanTokenSumNorm, 0.8, 3, 10), (options.Loss.Aggregation, options.Temperature, options.Seed, options.WarmupSteps));
        Assert.Equal((1e-6, 1.0, 8192), (options.LearningRate, options.MaxGradNorm, options.MicroBatchTokens));
        Assert.Empty(options.Problems());
    }

    [Fact]
    public void LearnerStepStats_Json_UsesMetricsNames()
    {
        var stats = new LearnerStepStats { Loss = 0.5, GradNorm = 1.5, ClipFraction = 0.1, Tokens = 10, SkippedUpdates = 1, TokensPerSecond = 3 };

        var json = JsonNode.Parse(JsonSerializer.Serialize(stats))!.AsObject();

        string[] names = ["loss", "grad_norm", "clip_fraction", "clip_fraction_low", "clip_fraction_high", "kl_old", "kl_ref", "entropy",
            "tokens", "skipped_updates", "learner_seconds", "learner_tokens_per_second"];
        Assert.All(names, n => Assert.True(json.ContainsKey(n), n));
        Assert.Equal(1.5, json["grad_norm"]!.GetValue<double>());
        Assert.Null(json["kl_ref"]);
    }
}
