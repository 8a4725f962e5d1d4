// Everything PolicyOptimizer needs, as one record built from the experiment spec (optimizer.*, rollout.temperature,
// rollout.maxTokens, seed) or by hand in tests. The spec validator reports bad values to users; Problems() here guards
// the records built by code.
//
// Choices: AdamW with PyTorch's defaults β = (0.9, 0.999), ε = 1e-8 (TorchSharp's optim.AdamW factory defaults β2 to
// 0.99; we pass 0.999 explicitly), weight decay on every parameter (verl and TRL do the same); the learning rate warms
// up linearly over warmupSteps TRAINING steps (see LearningRateAt) and then stays constant — the paper states no
// schedule, and verl's default is constant after warm-up.
using Pipeline.Core.Spec;

namespace Pipeline.Model.Training;

/// <summary>Learner hyper-parameters (see the file header).</summary>
public sealed record LearnerOptions
{
    public PolicyLossOptions Loss { get; init; } = new();

    /// <summary>Peak AdamW learning rate. Default 1e-6 (the paper).</summary>
    public double LearningRate { get; init; } = 1e-6;

    /// <summary>Training steps (Update calls) of linear warm-up; 0 starts at the peak rate.</summary>
    public int WarmupSteps { get; init; }

    public double WeightDecay { get; init; }

    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.999;

    public double AdamEpsilon { get; init; } = 1e-8;

    /// <summary>Passes over each batch.</summary>
    public int PpoEpochs { get; init; } = 1;

    /// <summary>Mini-batches (optimiser steps) per pass.</summary>
    public int MiniBatches { get; init; } = 1;

    /// <summary>Cap on rows × longest (prompt + response) tokens of a micro-batch.</summary>
    public int MicroBatchTokens { get; init; } = 8192;

    /// <summary>Global gradient-norm clipping threshold; 0 turns clipping off (the norm is still measured and reported).</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>The rollout temperature: the learner's log π_θ must use the one π_old was sampled with.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Seeds the mini-batch shuffles.</summary>
    public int Seed { get; init; }

    /// <summary>The options of <paramref name="spec"/>; Dr. GRPO's constant L is rollout.maxTokens.</summary>
    public static LearnerOptions FromSpec(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var o = spec.Optimizer;
        return new LearnerOptions
        {
            Loss = new PolicyLossOptions
            {
                ClipLow = o.Clip.Low,
                ClipHigh = o.Clip.High,
                KlCoef = o.Kl.Coef,
                Aggregation = o.LossAggregation,
                LossScaleTokens = spec.Rollout.MaxTokens,
            },
            LearningRate = o.LearningRate,
            WarmupSteps = o.WarmupSteps,
            WeightDecay = o.WeightDecay,
            PpoEpochs = o.PpoEpochs,
            MiniBatches = o.MiniBatches,
            MicroBatchTokens = o.MicroBatchTokens,
            MaxGradNorm = o.MaxGradNorm,
            Temperature = spec.Rollout.Temperature,
            Seed = spec.Seed,
        };
    }

    /// <summary>
    /// The learning rate of every optimiser step of training step <paramref name="trainingStep"/> (0-based):
    /// peak · min(1, (k + 1) / warmupSteps). Unlike HF's constant_with_warmup (k / warmup) the first step already moves.
    /// </summary>
    public double LearningRateAt(long trainingStep) =>
        WarmupSteps <= 0 ? LearningRate : LearningRate * Math.Min(1.0, (trainingStep + 1) / (double)WarmupSteps);

    /// <summary>Every out-of-range value, one message each (empty when usable).</summary>
    public IEnumerable<string> Problems()
    {
        if (!(LearningRate >= 0 && double.IsFinite(LearningRate))) yield return $"learning rate must be finite and ≥ 0, got {LearningRate}";
        if (WarmupSteps < 0) yield return $"warm-up steps must be ≥ 0, got {WarmupSteps}";
        if (!(WeightDecay >= 0 && double.IsFinite(WeightDecay))) yield return $"weight decay must be finite and ≥ 0, got {WeightDecay}";
        if (!(Beta1 is >= 0 and < 1) || !(Beta2 is >= 0 and < 1)) yield return $"AdamW betas must lie in [0, 1), got ({Beta1}, {Beta2})";
        if (!(AdamEpsilon >= 0)) yield return $"AdamW epsilon must be ≥ 0, got {AdamEpsilon}";
        if (PpoEpochs < 1) yield return $"ppo epochs must be ≥ 1, got {PpoEpochs}";
        if (MiniBatches < 1) yield return $"mini-batches must be ≥ 1, got {MiniBatches}";
        if (MicroBatchTokens < 1) yield return $"micro-batch tokens must be ≥ 1, got {MicroBatchTokens}";
        if (!(MaxGradNorm >= 0)) yield return $"max grad norm must be ≥ 0 (0 = off), got {MaxGradNorm}";
        if (!(Temperature > 0 && double.IsFinite(Temperature))) yield return $"temperature must be finite and > 0, got {Temperature}";
        if (!(Loss.ClipLow is > 0 and < 1)) yield return $"clip low must lie in (0, 1), got {Loss.ClipLow}";
        if (!(Loss.ClipHigh > 0 && double.IsFinite(Loss.ClipHigh))) yield return $"clip high must be finite and > 0, got {Loss.ClipHigh}";
        if (!(Loss.KlCoef >= 0 && double.IsFinite(Loss.KlCoef))) yield return $"kl coef must be finite and ≥ 0, got {Loss.KlCoef}";
        if (!(Loss.LossScaleTokens > 0 && double.IsFinite(Loss.LossScaleTokens))) yield return $"loss scale tokens must be finite and > 0, got {Loss.LossScaleTokens}";
    }
}
