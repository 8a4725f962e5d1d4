// The GRPO-family policy loss (PAPER.md, "GRPO-family definitions") as pure functions over tensors, so every value
// can be checked by hand. Per response token t of a training sample with advantage A:
//   ρ_t     = exp(log π_θ(t) − log π_old(t))                                      (ratio against the rollout's policy)
//   pg_t    = −min(ρ_t·A, clip(ρ_t, 1 − ε_low, 1 + ε_high)·A)                   (PPO clip; DAPO's clip-higher: ε_high ≥ ε_low)
//   kl_t    = π_ref/π_θ − log(π_ref/π_θ) − 1                                      (k3 estimator, Schulman 2020; GRPO's KL term)
//   loss_t  = pg_t + β·kl_t                                                        (β = kl.coef; the KL sits in the loss, per
//                                                                                   token, before aggregation — as GRPO/verl, not in the reward)
// and the token losses are aggregated over the trainable tokens of a MINI-BATCH (verl's agg_loss modes):
//   token-mean               Σ_all tokens loss_t / N_tokens                         (DAPO)
//   seq-mean-token-mean      Σ_seq (Σ_t loss_t / |seq|) / N_seq                     (GRPO)
//   seq-mean-token-sum       Σ_seq Σ_t loss_t / N_seq
//   seq-mean-token-sum-norm  Σ_seq (Σ_t loss_t / L) / N_seq, L a constant (default rollout.maxTokens) — Dr. GRPO as TRL's
//                            dr_grpo (sum / (B·L)); verl's mode of that name omits the 1/N_seq.
// The denominators N_tokens and N_seq are passed in (LossDenominator) and are those of the whole mini-batch, so the
// losses of its micro-batches SUM to the mini-batch loss and accumulated gradients equal one unsplit batch.
// Responses that train with advantage 0 (a group whose rewards are all equal, when dynamic sampling is off) DO count
// in both denominators, as in verl: they dilute the step exactly as the batch says; DAPO's dynamic sampling, upstream,
// is the way to drop them.
// Masked tokens (padding, responses with Trains = false) contribute to neither numerator nor denominator; their inputs
// are replaced by neutral values before exp(), so a −∞ or NaN there cannot leak NaN into the gradient through
// where() (0·∞ in backward).
//
// Shapes: B rows (responses), T response tokens (padded); log-probabilities (B, T), advantages (B,), mask (B, T) bool.
//
// Left out: verl's dual-clip (clip_ratio_c; not in PAPER.md), and verl's clamp of the log-ratio at ±20 and of k3 at
// ±10: an overflow here is a non-finite loss, which PolicyOptimizer skips and counts instead of silently bounding it.
using Pipeline.Core.Spec;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Training;

/// <summary>Loss hyper-parameters (see the file header for the formulas).</summary>
public sealed record PolicyLossOptions
{
    /// <summary>ε_low: ratios below 1 − ε_low stop pushing a negative-advantage token down. Default 0.2.</summary>
    public double ClipLow { get; init; } = 0.2;

    /// <summary>ε_high: ratios above 1 + ε_high stop pushing a positive-advantage token up. Default 0.28 (DAPO).</summary>
    public double ClipHigh { get; init; } = 0.28;

    /// <summary>β of the k3 KL to the reference policy; 0 leaves it out (no reference needed). Default 0.</summary>
    public double KlCoef { get; init; }

    public LossAggregation Aggregation { get; init; } = LossAggregation.TokenMean;

    /// <summary>L of seq-mean-token-sum-norm (Dr. GRPO's constant): the rollout limit rollout.maxTokens. Default 128.</summary>
    public double LossScaleTokens { get; init; } = 128;
}

/// <summary>A mini-batch's denominators: its trainable response tokens and its trainable sequences (≥ 1 token each).</summary>
public readonly record struct LossDenominator(long Tokens, long Sequences)
{
    /// <summary>The denominators of <paramref name="miniBatch"/>: only samples that train and have a response count.</summary>
    public static LossDenominator Of(IEnumerable<TrainingSample> miniBatch)
    {
        var contributing = miniBatch.Where(s => s.Contributes).ToList();
        return new LossDenominator(contributing.Sum(s => (long)s.ResponseIds.Length), contributing.Count);
    }

    /// <summary>The denominators of a (B, T) mask taken as the whole mini-batch.</summary>
    public static LossDenominator Of(Tensor mask)
    {
        using var scope = torch.NewDisposeScope();
        return new LossDenominator(mask.sum().item<long>(), mask.any(1).sum().item<long>());
    }
}

/// <summary>Per-token terms of the loss, (B, T) each, zero at masked positions. Owns its tensors.</summary>
public sealed class PolicyTokenLoss : IDisposable
{
    internal PolicyTokenLoss(Tensor loss, Tensor ratio, Tensor clippedLow, Tensor clippedHigh, Tensor? klRef) =>
        (Loss, Ratio, ClippedLow, ClippedHigh, KlRef) = (loss, ratio, clippedLow, clippedHigh, klRef);

    /// <summary>pg_t + β·kl_t, with gradient.</summary>
    public Tensor Loss { get; }

    /// <summary>ρ_t, detached; 1 at masked positions.</summary>
    public Tensor Ratio { get; }

    /// <summary>Where the lower clip is active (A &lt; 0 and ρ &lt; 1 − ε_low): the token gets no gradient from pg.</summary>
    public Tensor ClippedLow { get; }

    /// <summary>Where the upper clip is active (A &gt; 0 and ρ &gt; 1 + ε_high).</summary>
    public Tensor ClippedHigh { get; }

    /// <summary>k3 KL to the reference per token, detached; null without a reference.</summary>
    public Tensor? KlRef { get; }

    public void Dispose()
    {
        Loss.Dispose();
        Ratio.Dispose();
        ClippedLow.Dispose();
        ClippedHigh.Dispose();
        KlRef?.Dispose();
    }
}

/// <summary>The policy loss of the GRPO family (see the file header).</summary>
public static class PolicyLoss
{
    /// <summary>Per-token loss and its diagnostics.</summary>
    /// <param name="logProbs">(B, T) log π_θ of the response tokens, with gradient.</param>
    /// <param name="oldLogProbs">(B, T) log π_old from the rollout.</param>
    /// <param name="advantages">(B,) one advantage per response.</param>
    /// <param name="mask">(B, T) bool: trainable response tokens.</param>
    /// <param name="refLogProbs">(B, T) log π_ref, or null when <see cref="PolicyLossOptions.KlCoef"/> is 0.</param>
    public static PolicyTokenLoss TokenLoss(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor mask, Tensor? refLogProbs,
        PolicyLossOptions options)
    {
        CheckShapes(logProbs, oldLogProbs, advantages, mask, refLogProbs);
        using var scope = torch.NewDisposeScope();
        var dtype = logProbs.dtype;
        var zero = torch.zeros_like(logProbs);
        var advantage = torch.where(mask, advantages.to(dtype).unsqueeze(1), zero); // (B, T)
        var logRatio = torch.where(mask, logProbs - oldLogProbs.to(dtype), zero); // (B, T); 0 at masked → ρ = 1
        var ratio = logRatio.exp(); // (B, T)
        var unclipped = -advantage * ratio;
        var clipped = -advantage * ratio.clamp(1 - options.ClipLow, 1 + options.ClipHigh);
        var loss = torch.maximum(unclipped, clipped); // (B, T): −min(ρA, clip(ρ)A)
        Tensor? kl = null;
        if (options.KlCoef > 0)
        {
            if (refLogProbs is null) throw new ArgumentException("kl coef > 0 needs the reference log-probabilities", nameof(refLogProbs));
            var logRefRatio = torch.where(mask, refLogProbs.to(dtype) - logProbs, zero); // (B, T) log(π_ref/π_θ)
            kl = logRefRatio.exp() - logRefRatio - 1; // (B, T), 0 at masked
            loss = loss + options.KlCoef * kl;
        }
        loss = torch.where(mask, loss, zero);
        using var noGrad = torch.no_grad();
        var detachedRatio = ratio.detach();
        var clippedLow = mask.logical_and(advantage.lt(0)).logical_and(detachedRatio.lt(1 - options.ClipLow));
        var clippedHigh = mask.logical_and(advantage.gt(0)).logical_and(detachedRatio.gt(1 + options.ClipHigh));
        return new PolicyTokenLoss(loss.MoveToOuterDisposeScope(), detachedRatio.MoveToOuterDisposeScope(),
            clippedLow.MoveToOuterDisposeScope(), clippedHigh.MoveToOuterDisposeScope(), kl?.detach().MoveToOuterDisposeScope());
    }

    /// <summary>
    /// This micro-batch's share of the mini-batch loss: a scalar whose sum over the micro-batches of a mini-batch is the
    /// mini-batch loss of <paramref name="aggregation"/> (see the file header). Zero when the denominator is empty.
    /// </summary>
    /// <param name="tokenLoss">(B, T) per-token loss, zero at masked positions.</param>
    /// <param name="mask">(B, T) bool: trainable response tokens.</param>
    public static Tensor Aggregate(Tensor tokenLoss, Tensor mask, LossAggregation aggregation, LossDenominator denominator, double lossScaleTokens)
    {
        using var scope = torch.NewDisposeScope();
        var masked = torch.where(mask, tokenLoss, torch.zeros_like(tokenLoss)); // (B, T)
        if (denominator.Tokens == 0 || denominator.Sequences == 0) return (masked.sum() * 0).MoveToOuterDisposeScope();
        var rowSums = masked.sum(1); // (B,)
        var result = aggregation switch
        {
            LossAggregation.TokenMean => masked.sum() / denominator.Tokens,
            LossAggregation.SeqMeanTokenMean => (rowSums / mask.sum(1).clamp_min(1).to(tokenLoss.dtype)).sum() / denominator.Sequences,
            LossAggregation.SeqMeanTokenSum => rowSums.sum() / denominator.Sequences,
            LossAggregation.SeqMeanTokenSumNorm => rowSums.sum() / lossScaleTokens / denominator.Sequences,
            _ => throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "unknown loss aggregation"),
        };
        return result.MoveToOuterDisposeScope();
    }

    /// <summary><see cref="TokenLoss"/> then <see cref="Aggregate"/>: the scalar to backpropagate plus the per-token terms.</summary>
    public static (Tensor Loss, PolicyTokenLoss Terms) Compute(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor mask,
        Tensor? refLogProbs, PolicyLossOptions options, LossDenominator denominator)
    {
        var terms = TokenLoss(logProbs, oldLogProbs, advantages, mask, refLogProbs, options);
        return (Aggregate(terms.Loss, mask, options.Aggregation, denominator, options.LossScaleTokens), terms);
    }

    private static void CheckShapes(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, Tensor mask, Tensor? refLogProbs)
    {
        if (logProbs.dim() != 2) throw new ArgumentException($"log-probabilities must be (B, T), got ({string.Join(", ", logProbs.shape)})", nameof(logProbs));
        var shape = logProbs.shape;
        if (!oldLogProbs.shape.SequenceEqual(shape)) throw new ArgumentException("old log-probabilities must match the log-probabilities' shape", nameof(oldLogProbs));
        if (!mask.shape.SequenceEqual(shape) || mask.dtype != ScalarType.Bool) throw new ArgumentException("mask must be bool with the log-probabilities' shape", nameof(mask));
        if (!advantages.shape.SequenceEqual([shape[0]])) throw new ArgumentException($"advantages must be ({shape[0]},)", nameof(advantages));
        if (refLogProbs is not null && !refLogProbs.shape.SequenceEqual(shape))
            throw new ArgumentException("reference log-probabilities must match the log-probabilities' shape", nameof(refLogProbs));
    }
}
