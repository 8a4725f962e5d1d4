// PolicyOptimizer's contract: micro-batch accumulation equals one unsplit mini-batch, masked responses change nothing,
// NaN/∞ losses and gradients never reach the weights, the KL term, the warm-up schedule, gradient clipping, that an
// update moves log-probabilities the way the advantages say, and statistics.
using Pipeline.Core.Spec;
using Pipeline.Model.Qwen3;
using Pipeline.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Tests.Training;

public class PolicyOptimizerTests
{
    [Theory]
    [InlineData(LossAggregation.TokenMean)]
    [InlineData(LossAggregation.SeqMeanTokenMean)]
    [InlineData(LossAggregation.SeqMeanTokenSum)]
    [InlineData(LossAggregation.SeqMeanTokenSumNorm)]
    public void AccumulateGradients_SmallMicroBatches_EqualOneUnsplitBatch(LossAggregation aggregation)
    {
        using var policy = TinyQwen3.Create(11, dtype: ScalarType.Float64);
        var batch = TrainingFixtures.Batch(policy, seed: 12, groups: 3, groupSize: 3, masked: 2);
        var options = new LearnerOptions { Loss = new PolicyLossOptions { Aggregation = aggregation, LossScaleTokens = 8 } };
        using var unsplit = new PolicyOptimizer(policy, options with { MicroBatchTokens = 100_000 });
        using var split = new PolicyOptimizer(policy, options with { MicroBatchTokens = 1 }); // one sample per micro-batch

        var whole = unsplit.AccumulateGradients(batch);
        var wholeGrads = TrainingFixtures.Grads(policy);
        var parts = split.AccumulateGradients(batch);
        var partGrads = TrainingFixtures.Grads(policy);

        Assert.Equal(whole.Loss, parts.Loss, 1e-9);
        Assert.Equal(8, BatchPlanner.MicroBatches(batch.Where(s => s.Contributes).ToList(), 1).Count);
        Assert.True(TrainingFixtures.MaxRelativeError(wholeGrads, partGrads, floor: 1e-6) < 1e-6);
    }

    [Fact]
    public void AccumulateGradients_MaskedResponsesAdded_SameLossAndGradient()
    {
        using var policy = new TrainableBigram(13, seed: 21);
        var batch = TrainingFixtures.Batch(policy, seed: 22);
        var garbage = batch.Select(s => s with { Trains = false, Advantage = double.NaN, OldLogProbs = [.. s.OldLogProbs.Select(_ => float.NegativeInfinity)] });
        using var optimizer = new PolicyOptimizer(policy, new LearnerOptions());

        var clean = optimizer.AccumulateGradients(batch);
        var cleanGrads = TrainingFixtures.Grads(policy);
        var mixed = optimizer.AccumulateGradients([.. batch, .. garbage]);

        Assert.Equal(clean.Loss, mixed.Loss, 1e-12);
        Assert.Equal(cleanGrads, TrainingFixtures.Grads(policy));
        Assert.Equal(clean.Sums.Tokens, mixed.Sums.Tokens);
    }

    [Theory]
    [InlineData(-1.0)] // ρ = ∞ with A < 0: the loss itself is +∞
    [InlineData(1.0)]  // ρ = ∞ with A > 0: the clipped loss is finite, but its gradient is 0·∞ = NaN
    public void Update_NonFiniteLossOrGradient_SkipsStepAndLeavesWeightsUntouched(double advantage)
    {
        using var policy = TinyQwen3.Create(31);
        var batch = TrainingFixtures.Batch(policy, seed: 32, groups: 1);
        batch[0] = batch[0] with { Advantage = advantage, OldLogProbs = [float.NegativeInfinity, .. batch[0].OldLogProbs.Skip(1)] };
        using var optimizer = new PolicyOptimizer(policy, new LearnerOptions { LearningRate = 1e-2 });
        var before = TrainingFixtures.Weights(policy);

        var stats = optimizer.Update(batch);

        Assert.Equal(1, stats.SkippedUpdates);
        Assert.Equal(0, stats.OptimizerSteps);
        Assert.Null(stats.Loss);
        Assert.Null(stats.GradNorm);
        Assert.Equal(before, TrainingFixtures.Weights(policy));
        Assert.All(policy.parameters(), p => Assert.Null(p.grad));
        Assert.Equal(1, optimizer.SkippedUpdates);
    }

    [Fact]
    public void Update_OnePoisonedMiniBatch_SkipsOnlyThatOne()
    {
        using var policy = TinyQwen3.Create(33);
        var batch = TrainingFixtures.Batch(policy, seed: 34, groups: 2);
        batch[0] = batch[0] with { Advantage = -1, OldLogProbs = [float.NaN, .. batch[0].OldLogProbs.Skip(1)] };
        using var optimizer = new PolicyOptimizer(policy, new LearnerOptions { LearningRate = 1e-2, MiniBatches = 2 });
        var before = TrainingFixtures.Weights(policy);

        var stats = optimizer.Update(batch);

        Assert.Equal((1, 1), (stats.SkippedUpdates, stats.OptimizerSteps));
        Assert.True(double.IsFinite(stats.Loss!.Value));
        Assert.NotEqual(before, TrainingFixtures.Weights(policy));
        Assert.True(TrainingFixtures.Weights(policy).SelectMany(w => w).All(double.IsFinite));
    }

    [Fact]
    public void Update_KlOn_ZeroWhilePolicyEqualsReferenceThenPositive()
    {
        using var policy = TinyQwen3.Create(41);
        var batch = TrainingFixtures.Batch(policy, seed: 42);
        using var optimizer = new PolicyOptimizer(policy, new LearnerOptions { LearningRate = 1e-2, Loss = new PolicyLossOptions { KlCoef = 0.1 } });

        var first = optimizer.Update(batch);
        var second = optimizer.Update(batch);

        Assert.Equal(0, first.KlRef!.Value, 1e-12);
        Assert.True(second.KlRef > 1e-6, $"kl_ref after one step: {second.KlRef}");
    }

    [Fact]
    public void Update_KlOff_ReportsNoKlAndNeedsNoReference()
    {
        using var policy = new TrainableBigram(7, seed: 43);
        using var optimizer = new PolicyOptimizer(policy, new LearnerOptions());

        var stats = optimizer.Update(TrainingFixtures.Batch(policy, seed: 44));

        Assert.Null(stats.KlRef);
        Assert.InRange(stats.KlOld!.Value, 0, 0.2); // π_old = π_θ ± 0.4 noise: small and non-negative
    }

    [Fact]
    public void Constructor_KlOnWithoutReferenceForNonQwenPolicy_Throws()
    {
        using var policy = new TrainableBigram(7, seed: 45);

        var error = Assert.Throws<ArgumentException>(() => new PolicyOptimizer(policy, new LearnerOptions { Loss = new PolicyLossOptions { KlCoef = 0.1 } }));

        Assert.Contains("needs a reference policy", error.Message);
    }

    [Fact]
    public void Update_RepeatedOnOneGroup_RaisesPositiveAndLowersNegativeResponses()
    {
        using var policy = new TrainableBigram(9, seed: 51);
        var batch = TrainingFixtures.Batch(policy, seed: 52, groups: 1, groupSize: 2, noise: 0);
        batch = [batch[0] with { Advantage = 1 }, batch[1] with { Advantage = -1 }];
        using var optimizer = new PolicyOptimizer(policy, new LearnerOptions { LearningRate = 0.05, MaxGradNorm = 0 });
        var before = ResponseLogProb(policy, batch);

        for (var i = 0; i < 5; i++) optimizer.Update(batch);

        var after = ResponseLogProb(policy, batch);
        Assert.True(after[0] > before[0], $"positive response: {before[0]} → {after[0]}");
        Assert.True(after[1] < before[1], $"negative response: {before[1]} → {after[1]}");
    }

    [Fact]
    public void Update_WarmUp_RaisesTheRateLinearlyThenHoldsIt()
    {
        using var policy = new TrainableBigram(7, seed: 61);
        var batch = TrainingFixtures.Batch(policy, seed: 62);
        using var optimizer = new PolicyOptimizer(policy, new LearnerOptions { LearningRate = 1e-3, WarmupSteps = 4 });

        var rates = Enumerable.Range(0, 6).Select(_ => optimizer.Update(batch).LearningRate).ToArray();

        Assert.Equal([0.25e-3, 0.5e-3, 0.75e-3, 1e-3, 1e-3, 1e-3], rates, (a, b) => Math.Abs(a - b) < 1e-15);
    }

    [Fact]
    public void Update_Statistics_CountTokensStepsAndFractions()
    {
        using var policy = new TrainableBigram(7, seed: 71);
        var batch = TrainingFixtures.Batch(policy, seed: 72, groups: 4, groupSize: 2, noise: 0.5, masked: 3);
        using var optimizer = new PolicyOptimizer(policy, new LearnerOptions { PpoEpochs = 2, MiniBatches = 2 });

        var stats = optimizer.Update(batch);

        var trained = batch.Where(s => s.Trains).ToList();
        Assert.Equal((0L, 4, 0), (stats.TrainingStep, stats.OptimizerSteps, stats.SkippedUpdates));
        Assert.Equal((7, trained.Sum(s => (long)s.TotalTokens), trained.Sum(s => (long)s.ResponseIds.Length)), (stats.Sequences, stats.Tokens, stats.ResponseTokens));
        Assert.Equal(stats.ClipFraction!.Value, stats.ClipFractionLow!.Value + stats.ClipFractionHigh!.Value, 1e-12);
        Assert.InRange(stats.ClipFraction.Value, 0, 1);
        Assert.True(stats.RatioMin <= stats.RatioMean && stats.RatioMean <= stats.RatioMax);
        Assert.True(stats.Entropy > 0 && stats.GradNorm > 0 && stats.TokensPerSecond > 0);
        Assert.Equal((1L, 4L), (optimizer.TrainingSteps, optimizer.OptimizerSteps));
    }

    [Fact]
    public void Update_NothingTrains_TakesNoStepButCountsTheTrainingStep()
    {
        using var policy = new TrainableBigram(7, seed: 81);
        var batch = TrainingFixtures.Batch(policy, seed: 82).Select(s => s with { Trains = false }).ToList();
        using var optimizer = new PolicyOptimizer(policy, new LearnerOptions());
        var before = TrainingFixtures.Weights(policy);

        var stats = optimizer.Update(batch);

        Assert.Equal((0, 0, 0L), (stats.OptimizerSteps, stats.SkippedUpdates, stats.Tokens));
        Assert.Null(stats.Entropy);
        Assert.Equal(before, TrainingFixtures.Weights(policy));
        Assert.Equal(1, optimizer.TrainingSteps);
    }

    [Fact]
    public void Update_MalformedSample_ThrowsListingIt()
    {
        using var policy = new TrainableBigram(7, seed: 91);
        using var optimizer = new PolicyOptimizer(policy, new LearnerOptions());
        var bad = new TrainingSample([1], [2, 3], [-1f], 1, true, 0, "g");

        var error = Assert.Throws<ArgumentException>(() => optimizer.Update([bad]));

        Assert.Contains("sample 0: 1 old log-probabilities for 2 response tokens", error.Message);
    }

    [Fact]
    public void GradientClip_ScalesTheGlobalNormDownToTheThreshold()
    {
        using var policy = TinyQwen3.Create(95);
        using var optimizer = new PolicyOptimizer(policy, new LearnerOptions());
        optimizer.AccumulateGradients(TrainingFixtures.Batch(policy, seed: 96));
        var parameters = policy.parameters().ToList();
        var norm = Gradients.TotalNorm(parameters);

        Gradients.Clip(parameters, norm, norm / 4);

        Assert.Equal(norm / 4, Gradients.TotalNorm(parameters), norm * 1e-5);
    }

    private static double[] ResponseLogProb(TrainableBigram policy, List<TrainingSample> batch)
    {
        using var scores = ResponseScorer.Score(policy, batch, 1.0, withGrad: false);
        return scores.LogProbs.sum(1).data<double>().ToArray();
    }
}
