// PolicyLoss by hand: a two-group batch of three responses each (one masked) with chosen ratios, so that every
// per-token loss, which tokens clip (low and high), every aggregation mode, the gradient, the KL term, and the
// split-with-global-denominators identity can be worked out on paper. The table:
//
//   row  group  A     ρ per token          token loss −min(ρA, clip(ρ, 0.8, 1.28)A)      notes
//   0    1      +1    1.5, 0.9             −1.28, −0.9                                 token 0 clips HIGH (A>0, ρ>1.28)
//   1    1      −0.5  0.7, 1.1, 1.0        0.4, 0.55, 0.5                              token 0 clips LOW  (A<0, ρ<0.8)
//   2    1      −0.5  1.5                  0.75                                        A<0, ρ>1.28: unclipped (pessimistic)
//   3    2      +2    0.5, 1.2             −1.0, −2.4                                  A>0, ρ<0.8: unclipped
//   4    2      +5    3.0, 3.0             masked (Trains = false): nothing
//   5    2      −2    1.3                  2.6                                         A<0, ρ>1.28: unclipped
//
// 9 trainable tokens, 5 trainable sequences; Σ loss = −0.78; row sums −2.18, 1.45, 0.75, −3.4, 2.6.
using Pipeline.Core.Spec;
using Pipeline.Model.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Tests.Training;

public class PolicyLossTests
{
    private const double OldLogProb = -1.0;
    private static readonly double[][] Ratios = [[1.5, 0.9], [0.7, 1.1, 1.0], [1.5], [0.5, 1.2], [3.0, 3.0], [1.3]];
    private static readonly double[] Advantages = [1, -0.5, -0.5, 2, 5, -2];
    private static readonly bool[] Trains = [true, true, true, true, false, true];
    private static readonly PolicyLossOptions Options = new() { ClipLow = 0.2, ClipHigh = 0.28, LossScaleTokens = 4 };

    [Fact]
    public void TokenLoss_TwoGroups_MatchesHandComputedTable()
    {
        using var batch = HandBatch.Build(Ratios, Advantages, Trains, OldLogProb);

        using var terms = PolicyLoss.TokenLoss(batch.LogProbs, batch.OldLogProbs, batch.Advantages, batch.Mask, null, Options);

        double[] expected = [-1.28, -0.9, 0, 0.4, 0.55, 0.5, 0.75, 0, 0, -1.0, -2.4, 0, 0, 0, 0, 2.6, 0, 0];
        Assert.Equal(expected, terms.Loss.data<double>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Fact]
    public void TokenLoss_TwoGroups_ClipsExactlyTheHandPickedTokens()
    {
        using var batch = HandBatch.Build(Ratios, Advantages, Trains, OldLogProb);

        using var terms = PolicyLoss.TokenLoss(batch.LogProbs, batch.OldLogProbs, batch.Advantages, batch.Mask, null, Options);

        Assert.Equal([(1L, 0L)], Nonzero(terms.ClippedLow));
        Assert.Equal([(0L, 0L)], Nonzero(terms.ClippedHigh));
    }

    [Theory]
    [InlineData(LossAggregation.TokenMean, -0.78 / 9)]
    [InlineData(LossAggregation.SeqMeanTokenMean, (-1.09 + 1.45 / 3 + 0.75 - 1.7 + 2.6) / 5)]
    [InlineData(LossAggregation.SeqMeanTokenSum, -0.78 / 5)]
    [InlineData(LossAggregation.SeqMeanTokenSumNorm, -0.78 / 4 / 5)]
    public void Compute_EachAggregation_MatchesHandValue(LossAggregation aggregation, double expected)
    {
        using var batch = HandBatch.Build(Ratios, Advantages, Trains, OldLogProb);
        var denominator = LossDenominator.Of(batch.Mask);

        var (loss, terms) = PolicyLoss.Compute(batch.LogProbs, batch.OldLogProbs, batch.Advantages, batch.Mask, null,
            Options with { Aggregation = aggregation }, denominator);

        Assert.Equal(new LossDenominator(9, 5), denominator);
        Assert.Equal(expected, loss.item<double>(), 1e-12);
        loss.Dispose();
        terms.Dispose();
    }

    [Fact]
    public void Compute_TokenMeanGradient_IsMinusAdvantageTimesRatioOverTokensAndZeroWhereClipped()
    {
        using var batch = HandBatch.Build(Ratios, Advantages, Trains, OldLogProb);
        using var logProbs = batch.LogProbs.detach().requires_grad_(true);

        var (loss, terms) = PolicyLoss.Compute(logProbs, batch.OldLogProbs, batch.Advantages, batch.Mask, null, Options, new LossDenominator(9, 5));
        loss.backward();

        double[] expected = [0, -1 * 0.9, 0, 0, 0.5 * 1.1, 0.5 * 1.0, 0.5 * 1.5, 0, 0, -2 * 0.5, -2 * 1.2, 0, 0, 0, 0, 2 * 1.3, 0, 0];
        Assert.Equal(expected.Select(g => g / 9), logProbs.grad!.data<double>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
        loss.Dispose();
        terms.Dispose();
    }

    [Fact]
    public void Compute_MaskedResponseWithGarbage_ChangesNeitherLossNorGradient()
    {
        using var clean = HandBatch.Build(Ratios, Advantages, Trains, OldLogProb);
        using var garbage = HandBatch.Build(Ratios, Advantages, Trains, OldLogProb);
        garbage.OldLogProbs[4].fill_(double.NegativeInfinity);
        garbage.Advantages[4].fill_(double.NaN);
        using var cleanLogProbs = clean.LogProbs.detach().requires_grad_(true);
        using var garbageLogProbs = garbage.LogProbs.detach().requires_grad_(true);

        var (cleanLoss, cleanTerms) = PolicyLoss.Compute(cleanLogProbs, clean.OldLogProbs, clean.Advantages, clean.Mask, null, Options, new LossDenominator(9, 5));
        var (garbageLoss, garbageTerms) = PolicyLoss.Compute(garbageLogProbs, garbage.OldLogProbs, garbage.Advantages, garbage.Mask, null, Options, new LossDenominator(9, 5));
        cleanLoss.backward();
        garbageLoss.backward();

        Assert.Equal(cleanLoss.item<double>(), garbageLoss.item<double>());
        Assert.Equal(cleanLogProbs.grad!.data<double>().ToArray(), garbageLogProbs.grad!.data<double>().ToArray());
        foreach (var t in new[] { cleanLoss, garbageLoss }) t.Dispose();
        cleanTerms.Dispose();
        garbageTerms.Dispose();
    }

    [Theory]
    [InlineData(LossAggregation.TokenMean)]
    [InlineData(LossAggregation.SeqMeanTokenMean)]
    [InlineData(LossAggregation.SeqMeanTokenSum)]
    [InlineData(LossAggregation.SeqMeanTokenSumNorm)]
    public void Compute_SplitIntoGroupsWithGlobalDenominator_SumsToWholeBatchLoss(LossAggregation aggregation)
    {
        using var batch = HandBatch.Build(Ratios, Advantages, Trains, OldLogProb);
        var options = Options with { Aggregation = aggregation };
        var denominator = LossDenominator.Of(batch.Mask);

        var whole = LossValue(batch, 0, 6, options, denominator);
        var parts = LossValue(batch, 0, 3, options, denominator) + LossValue(batch, 3, 3, options, denominator);

        Assert.Equal(whole, parts, 1e-12);
    }

    [Fact]
    public void TokenLoss_ReferenceEqualsPolicy_KlIsZeroAndLossUnchanged()
    {
        using var batch = HandBatch.Build(Ratios, Advantages, Trains, OldLogProb);

        using var withoutKl = PolicyLoss.TokenLoss(batch.LogProbs, batch.OldLogProbs, batch.Advantages, batch.Mask, null, Options);
        using var withKl = PolicyLoss.TokenLoss(batch.LogProbs, batch.OldLogProbs, batch.Advantages, batch.Mask, batch.LogProbs, Options with { KlCoef = 0.5 });

        Assert.All(withKl.KlRef!.data<double>().ToArray(), kl => Assert.Equal(0, kl));
        Assert.Equal(withoutKl.Loss.data<double>().ToArray(), withKl.Loss.data<double>().ToArray());
    }

    [Fact]
    public void TokenLoss_ReferenceDiffers_AddsCoefTimesK3PerToken()
    {
        using var batch = HandBatch.Build(Ratios, Advantages, Trains, OldLogProb);
        using var shift = torch.tensor(new[] { Math.Log(2), -Math.Log(2), 0 }, dtype: ScalarType.Float64); // per column
        using var reference = batch.LogProbs + shift; // π_ref/π_θ = 2, 1/2, 1 by column

        using var withoutKl = PolicyLoss.TokenLoss(batch.LogProbs, batch.OldLogProbs, batch.Advantages, batch.Mask, null, Options);
        using var withKl = PolicyLoss.TokenLoss(batch.LogProbs, batch.OldLogProbs, batch.Advantages, batch.Mask, reference, Options with { KlCoef = 0.5 });

        double k3Double = 2 - Math.Log(2) - 1, k3Half = 0.5 + Math.Log(2) - 1; // 0.3069, 0.1931: both > 0
        var kl = withKl.KlRef!.data<double>().ToArray();
        Assert.Equal(k3Double, kl[0 * 3 + 0], 1e-12);
        Assert.Equal(k3Half, kl[1 * 3 + 1], 1e-12);
        Assert.Equal(0, kl[1 * 3 + 2]);
        Assert.Equal(0, kl[4 * 3 + 0]); // masked response
        var delta = (withKl.Loss - withoutKl.Loss).data<double>().ToArray();
        Assert.Equal(0.5 * k3Double, delta[0], 1e-12);
        Assert.Equal(0.5 * k3Half, delta[1 * 3 + 1], 1e-12);
    }

    [Fact]
    public void Aggregate_EmptyDenominator_IsZero()
    {
        using var loss = torch.ones(2, 3, dtype: ScalarType.Float64);
        using var mask = torch.zeros(2, 3, dtype: ScalarType.Bool);

        using var result = PolicyLoss.Aggregate(loss, mask, LossAggregation.TokenMean, new LossDenominator(0, 0), 4);

        Assert.Equal(0, result.item<double>());
    }

    [Fact]
    public void TokenLoss_MismatchedShapes_Throws()
    {
        using var logProbs = torch.zeros(2, 3, dtype: ScalarType.Float64);
        using var old = torch.zeros(2, 4, dtype: ScalarType.Float64);
        using var advantages = torch.zeros(2, dtype: ScalarType.Float64);
        using var mask = torch.ones(2, 3, dtype: ScalarType.Bool);

        Assert.Throws<ArgumentException>(() => PolicyLoss.TokenLoss(logProbs, old, advantages, mask, null, Options));
    }

    private static double LossValue(HandBatch batch, int start, int rows, PolicyLossOptions options, LossDenominator denominator)
    {
        using var scope = torch.NewDisposeScope();
        var (loss, terms) = PolicyLoss.Compute(batch.LogProbs.narrow(0, start, rows), batch.OldLogProbs.narrow(0, start, rows),
            batch.Advantages.narrow(0, start, rows), batch.Mask.narrow(0, start, rows), null, options, denominator);
        terms.Dispose();
        return loss.item<double>();
    }

    private static (long, long)[] Nonzero(Tensor mask)
    {
        var flat = mask.data<bool>().ToArray();
        var width = mask.shape[1];
        return flat.Select((v, i) => (v, i)).Where(p => p.v).Select(p => (p.i / width, p.i % width)).ToArray();
    }
}

/// <summary>Float64 tensors (B, T) for hand-computed loss cases: log π_θ = old + ln ρ, padding masked out.</summary>
internal sealed class HandBatch : IDisposable
{
    private HandBatch(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor mask) =>
        (LogProbs, OldLogProbs, Advantages, Mask) = (logProbs, oldLogProbs, advantages, mask);

    public Tensor LogProbs { get; }
    public Tensor OldLogProbs { get; }
    public Tensor Advantages { get; }
    public Tensor Mask { get; }

    public static HandBatch Build(double[][] ratios, double[] advantages, bool[] trains, double oldLogProb)
    {
        var width = ratios.Max(r => r.Length);
        var logProbs = new double[ratios.Length * width];
        var old = new double[ratios.Length * width];
        var mask = new bool[ratios.Length * width];
        for (var b = 0; b < ratios.Length; b++)
        {
            for (var t = 0; t < ratios[b].Length; t++)
            {
                var at = b * width + t;
                (old[at], logProbs[at], mask[at]) = (oldLogProb, oldLogProb + Math.Log(ratios[b][t]), trains[b]);
            }
        }
        long[] shape = [ratios.Length, width];
        return new HandBatch(torch.tensor(logProbs, shape), torch.tensor(old, shape), torch.tensor(advantages), torch.tensor(mask, shape));
    }

    public void Dispose()
    {
        LogProbs.Dispose();
        OldLogProbs.Dispose();
        Advantages.Dispose();
        Mask.Dispose();
    }
}
