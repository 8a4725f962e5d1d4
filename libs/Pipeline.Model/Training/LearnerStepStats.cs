// What one learner update reports, with the snake_case names of metrics.jsonl (verl's actor/* metrics under flat
// names). Token statistics are means over the trainable response tokens of every APPLIED mini-batch of every pass; a
// mini-batch whose loss or gradient was not finite is skipped and left out of them (its numbers are NaN/∞ anyway).
// Values that need at least one applied mini-batch are null when there was none (JSON null, never NaN, which
// System.Text.Json refuses to write).
using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Training;

/// <summary>Statistics of one <see cref="PolicyOptimizer.Update"/> (one training step).</summary>
public sealed record LearnerStepStats
{
    /// <summary>0-based training step (Update call) these statistics belong to.</summary>
    [JsonPropertyName("learner_step")] public long TrainingStep { get; init; }

    /// <summary>Mean over applied mini-batches of the aggregated loss (policy-gradient plus β·KL).</summary>
    [JsonPropertyName("loss")] public double? Loss { get; init; }

    /// <summary>Mean over applied mini-batches of the global gradient L2 norm BEFORE clipping.</summary>
    [JsonPropertyName("grad_norm")] public double? GradNorm { get; init; }

    /// <summary>Fraction of trainable tokens whose clipped term was active (low + high).</summary>
    [JsonPropertyName("clip_fraction")] public double? ClipFraction { get; init; }

    /// <summary>Fraction with A &lt; 0 and ρ &lt; 1 − ε_low.</summary>
    [JsonPropertyName("clip_fraction_low")] public double? ClipFractionLow { get; init; }

    /// <summary>Fraction with A &gt; 0 and ρ &gt; 1 + ε_high.</summary>
    [JsonPropertyName("clip_fraction_high")] public double? ClipFractionHigh { get; init; }

    /// <summary>Mean k3 estimate of KL(π_old ‖ π_θ) per token: (ρ − 1) − log ρ (≥ 0; 0 on the first on-policy pass).</summary>
    [JsonPropertyName("kl_old")] public double? KlOld { get; init; }

    /// <summary>Mean k3 KL to the reference policy per token; null when the KL term is off.</summary>
    [JsonPropertyName("kl_ref")] public double? KlRef { get; init; }

    /// <summary>Mean entropy (nats) of π_θ at the trainable response tokens, temperature-scaled as the rollout.</summary>
    [JsonPropertyName("entropy")] public double? Entropy { get; init; }

    [JsonPropertyName("ratio_mean")] public double? RatioMean { get; init; }

    [JsonPropertyName("ratio_min")] public double? RatioMin { get; init; }

    [JsonPropertyName("ratio_max")] public double? RatioMax { get; init; }

    /// <summary>Prompt + response tokens of the samples that trained, counted once (not per pass).</summary>
    [JsonPropertyName("tokens")] public long Tokens { get; init; }

    /// <summary>Response tokens that carried loss, counted once.</summary>
    [JsonPropertyName("response_tokens")] public long ResponseTokens { get; init; }

    /// <summary>Samples that trained (Trains and a non-empty response).</summary>
    [JsonPropertyName("sequences")] public int Sequences { get; init; }

    /// <summary>Optimiser steps applied to the weights.</summary>
    [JsonPropertyName("optimizer_steps")] public int OptimizerSteps { get; init; }

    /// <summary>Mini-batches whose loss or gradient was NaN/∞: their step was skipped and the gradients dropped.</summary>
    [JsonPropertyName("skipped_updates")] public int SkippedUpdates { get; init; }

    [JsonPropertyName("learning_rate")] public double LearningRate { get; init; }

    /// <summary>Wall-clock seconds of the whole update (reference scoring included).</summary>
    [JsonPropertyName("learner_seconds")] public double Seconds { get; init; }

    /// <summary><see cref="Tokens"/> / <see cref="Seconds"/>: how fast the learner digests a batch, all passes included.</summary>
    [JsonPropertyName("learner_tokens_per_second")] public double TokensPerSecond { get; init; }
}

/// <summary>Sums behind the token statistics of <see cref="LearnerStepStats"/>; one mini-batch at a time.</summary>
internal sealed class TokenSums
{
    public double Tokens, ClippedLow, ClippedHigh, KlOld, KlRef, Ratio, Entropy;
    public double RatioMin = double.PositiveInfinity, RatioMax = double.NegativeInfinity;

    /// <summary>Adds one micro-batch: its loss terms, the (B, T) mask and the (B, T) entropies. One host transfer.</summary>
    public void Add(PolicyTokenLoss terms, Tensor mask, Tensor entropies)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var ratio = terms.Ratio.to(ScalarType.Float64); // (B, T), 1 at masked
        var zero = torch.zeros_like(ratio);
        var klOld = torch.where(mask, ratio - 1 - ratio.log(), zero);
        var values = torch.stack([
            mask.sum().to(ScalarType.Float64), terms.ClippedLow.sum().to(ScalarType.Float64), terms.ClippedHigh.sum().to(ScalarType.Float64),
            klOld.sum(), terms.KlRef is null ? zero.sum() : terms.KlRef.to(ScalarType.Float64).sum(),
            torch.where(mask, ratio, zero).sum(), torch.where(mask, entropies.to(ScalarType.Float64), zero).sum(),
            torch.where(mask, ratio, torch.full_like(ratio, double.PositiveInfinity)).min(),
            torch.where(mask, ratio, torch.full_like(ratio, double.NegativeInfinity)).max(),
        ]).cpu().data<double>().ToArray();
        Tokens += values[0];
        ClippedLow += values[1];
        ClippedHigh += values[2];
        KlOld += values[3];
        KlRef += values[4];
        Ratio += values[5];
        Entropy += values[6];
        RatioMin = Math.Min(RatioMin, values[7]);
        RatioMax = Math.Max(RatioMax, values[8]);
    }

    public void Add(TokenSums other)
    {
        (Tokens, ClippedLow, ClippedHigh) = (Tokens + other.Tokens, ClippedLow + other.ClippedLow, ClippedHigh + other.ClippedHigh);
        (KlOld, KlRef, Ratio, Entropy) = (KlOld + other.KlOld, KlRef + other.KlRef, Ratio + other.Ratio, Entropy + other.Entropy);
        (RatioMin, RatioMax) = (Math.Min(RatioMin, other.RatioMin), Math.Max(RatioMax, other.RatioMax));
    }

    /// <summary>Fills the token statistics of <paramref name="stats"/> (null when no token was counted).</summary>
    public LearnerStepStats WriteTo(LearnerStepStats stats, bool withKl)
    {
        if (Tokens <= 0) return stats;
        return stats with
        {
            ClipFraction = (ClippedLow + ClippedHigh) / Tokens,
            ClipFractionLow = ClippedLow / Tokens,
            ClipFractionHigh = ClippedHigh / Tokens,
            KlOld = KlOld / Tokens,
            KlRef = withKl ? KlRef / Tokens : null,
            Entropy = Entropy / Tokens,
            RatioMean = Ratio / Tokens,
            RatioMin = RatioMin,
            RatioMax = RatioMax,
        };
    }
}
