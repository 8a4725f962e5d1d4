// One learner update of the GRPO family (PAPER.md; verl's dp_actor.update_policy): for ppoEpochs passes over the batch,
// for each mini-batch (one optimiser step), for each micro-batch under the token cap: recompute log π_θ with autograd,
// score the frozen reference when the KL term is on, add this micro-batch's share of the mini-batch loss (PolicyLoss,
// with the mini-batch's GLOBAL denominators) and backpropagate; gradients accumulate over the micro-batches. Then
// measure the global gradient norm; a NaN/∞ loss or norm skips the step (gradients dropped, counted in the stats),
// otherwise clip to maxGradNorm and take one AdamW step at the learning rate of the warm-up schedule.
//
// Ownership: the policy module stays the caller's (the rollout shares it in the embedded host) and is updated in
// place; a reference built here (kl.coef > 0 and none given) is owned and disposed here. Save/Load persist the optimiser
// state (AdamW moments and per-parameter step counts, TorchSharp's format) plus this class's counters, so a resumed run
// continues exactly; the weights go through ModelFolder.Save as every checkpoint does.
//
// Left out: value functions/critics (GRPO has none), entropy bonuses (not in PAPER.md), and caching the reference's
// log-probabilities across passes (recomputed per micro-batch; ppoEpochs is 1 in the paper's recipe).
using System.Diagnostics;
using System.Text.Json;
using Pipeline.Model.Qwen3;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Model.Training;

/// <summary>AdamW optimisation of a causal-LM policy with the GRPO-family loss (see the file header).</summary>
public sealed class PolicyOptimizer : IDisposable
{
    /// <summary>File of the AdamW state inside a Save folder.</summary>
    public const string OptimizerStateFile = "optimizer.bin";

    /// <summary>File of the counters inside a Save folder.</summary>
    public const string LearnerStateFile = "learner-state.json";

    private readonly ICausalLM _policy;
    private readonly ICausalLM? _reference;
    private readonly Qwen3ForCausalLM? _ownedReference;
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly AdamW _adamW;

    /// <param name="policy">The policy to train: an <see cref="nn.Module"/> implementing <see cref="ICausalLM"/>.</param>
    /// <param name="options">Hyper-parameters.</param>
    /// <param name="reference">The frozen reference when options.Loss.KlCoef &gt; 0 (not owned). Null: a
    /// <see cref="ReferencePolicy.FrozenCopy"/> of a Qwen3 policy. Ignored when the KL term is off.</param>
    /// <exception cref="ArgumentException">Options out of range, a policy that is not a module, or a KL term without a possible reference.</exception>
    public PolicyOptimizer(ICausalLM policy, LearnerOptions options, ICausalLM? reference = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems().ToList();
        if (problems.Count > 0) throw new ArgumentException("learner options: " + string.Join("; ", problems), nameof(options));
        if (policy is not nn.Module module) throw new ArgumentException("the policy must be a TorchSharp module (it has the parameters to train)", nameof(policy));
        _policy = policy;
        Options = options;
        if (options.Loss.KlCoef > 0)
        {
            _ownedReference = reference is null ? OwnReference(policy) : null;
            _reference = reference ?? _ownedReference;
            if (_reference!.VocabSize != policy.VocabSize)
                throw new ArgumentException($"the reference's vocabulary ({_reference.VocabSize}) differs from the policy's ({policy.VocabSize})", nameof(reference));
        }
        _parameters = module.parameters().Where(p => p.requires_grad).ToList();
        _adamW = new AdamW(_parameters, options.LearningRate, options.Beta1, options.Beta2, options.AdamEpsilon, options.WeightDecay);
    }

    public LearnerOptions Options { get; }

    /// <summary>Update calls so far (the warm-up schedule and the shuffles count these).</summary>
    public long TrainingSteps { get; private set; }

    /// <summary>Optimiser steps applied to the weights so far.</summary>
    public long OptimizerSteps { get; private set; }

    /// <summary>Optimiser steps skipped so far because a loss or gradient was NaN/∞.</summary>
    public long SkippedUpdates { get; private set; }

    /// <summary>
    /// One training step on <paramref name="batch"/> (every response of the step's groups; masked ones are allowed and
    /// ignored). Updates the policy's weights in place and returns the step's statistics.
    /// </summary>
    /// <exception cref="ArgumentException">A sample is malformed (empty prompt, log-probabilities not one per token, …).</exception>
    public LearnerStepStats Update(IReadOnlyList<TrainingSample> batch)
    {
        TrainingSample.Validate(batch, nameof(batch));
        var clock = Stopwatch.StartNew();
        var learningRate = Options.LearningRateAt(TrainingSteps);
        foreach (var group in _adamW.ParamGroups) group.LearningRate = learningRate;
        var (sums, losses, norms, skipped) = (new TokenSums(), new List<double>(), new List<double>(), 0);
        for (var epoch = 0; epoch < Options.PpoEpochs; epoch++)
        {
            var seed = BatchPlanner.ShuffleSeed(Options.Seed, TrainingSteps, epoch);
            foreach (var miniBatch in BatchPlanner.MiniBatches(batch, Options.MiniBatches, seed))
            {
                var pass = AccumulateGradients(miniBatch);
                var norm = pass.Finite ? Gradients.TotalNorm(_parameters) : double.NaN;
                if (!double.IsFinite(norm))
                {
                    Gradients.Clear(_parameters);
                    skipped++;
                    continue;
                }
                Gradients.Clip(_parameters, norm, Options.MaxGradNorm);
                _adamW.step();
                Gradients.Clear(_parameters);
                losses.Add(pass.Loss);
                norms.Add(norm);
                sums.Add(pass.Sums);
            }
        }
        var stats = Summarize(batch, sums, losses, norms, skipped, learningRate, clock.Elapsed.TotalSeconds);
        (TrainingSteps, OptimizerSteps, SkippedUpdates) = (TrainingSteps + 1, OptimizerSteps + losses.Count, SkippedUpdates + skipped);
        return stats;
    }

    /// <summary>The outcome of one mini-batch's forward/backward passes: its loss, whether it was finite, its token sums.</summary>
    internal sealed record MiniBatchPass(double Loss, bool Finite, TokenSums Sums);

    /// <summary>
    /// Forward and backward over the micro-batches of <paramref name="miniBatch"/>, leaving the accumulated gradient of
    /// the mini-batch loss in the parameters (after dropping any previous one). Stops at the first non-finite loss.
    /// </summary>
    internal MiniBatchPass AccumulateGradients(IReadOnlyList<TrainingSample> miniBatch)
    {
        Gradients.Clear(_parameters);
        var denominator = LossDenominator.Of(miniBatch);
        var (sums, total) = (new TokenSums(), 0.0);
        foreach (var micro in BatchPlanner.MicroBatches(miniBatch.Where(s => s.Contributes).ToList(), Options.MicroBatchTokens))
        {
            using var scope = torch.NewDisposeScope();
            var referenceLogProbs = _reference is null ? null : ResponseScorer.Score(_reference, micro, Options.Temperature, withGrad: false).LogProbs;
            var scores = ResponseScorer.Score(_policy, micro, Options.Temperature, withGrad: true);
            var (oldLogProbs, advantages) = Targets(micro, scores.Mask.shape[1], _policy.Device);
            var (loss, terms) = PolicyLoss.Compute(scores.LogProbs, oldLogProbs, advantages, scores.Mask, referenceLogProbs, Options.Loss, denominator);
            using var disposeTerms = terms;
            var value = loss.ToDouble();
            if (!double.IsFinite(value)) return new MiniBatchPass(value, false, sums);
            loss.backward();
            total += value;
            sums.Add(terms, scores.Mask, scores.Entropies);
        }
        return new MiniBatchPass(total, true, sums);
    }

    /// <summary>Writes the AdamW state and the counters into <paramref name="folder"/> (created if needed).</summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        _adamW.save_state_dict(Path.Combine(folder, OptimizerStateFile));
        var state = new LearnerState(TrainingSteps, OptimizerSteps, SkippedUpdates, _parameters.Count, _parameters.Sum(p => p.numel()));
        File.WriteAllText(Path.Combine(folder, LearnerStateFile), JsonSerializer.Serialize(state, JsonOptions));
    }

    /// <summary>Restores what <see cref="Save"/> wrote; the policy must have the saved one's parameters (count and sizes).</summary>
    /// <exception cref="FileNotFoundException">A state file is missing.</exception>
    /// <exception cref="InvalidDataException">The state belongs to a model with other parameters.</exception>
    public void Load(string folder)
    {
        var statePath = Path.Combine(folder, LearnerStateFile);
        var optimizerPath = Path.Combine(folder, OptimizerStateFile);
        foreach (var path in new[] { statePath, optimizerPath })
            if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no saved learner state", path);
        var state = JsonSerializer.Deserialize<LearnerState>(File.ReadAllText(statePath), JsonOptions)
            ?? throw new InvalidDataException($"{statePath}: empty learner state");
        var elements = _parameters.Sum(p => p.numel());
        if (state.Parameters != _parameters.Count || state.Elements != elements)
            throw new InvalidDataException(
                $"{folder}: the optimiser state is for {state.Parameters} parameters ({state.Elements} values), this policy has {_parameters.Count} ({elements})");
        _adamW.load_state_dict(optimizerPath);
        (TrainingSteps, OptimizerSteps, SkippedUpdates) = (state.TrainingSteps, state.OptimizerSteps, state.SkippedUpdates);
    }

    public void Dispose()
    {
        _adamW.Dispose();
        _ownedReference?.Dispose();
    }

    private sealed record LearnerState(long TrainingSteps, long OptimizerSteps, long SkippedUpdates, int Parameters, long Elements);

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    private static Qwen3ForCausalLM OwnReference(ICausalLM policy) => policy is Qwen3ForCausalLM qwen
        ? ReferencePolicy.FrozenCopy(qwen)
        : throw new ArgumentException("kl coef > 0 needs a reference policy: pass one (only a Qwen3 policy can be copied here)", nameof(policy));

    /// <summary>π_old (B, R) float32, zero-padded, and the advantages (B,) float64 of a micro-batch.</summary>
    private static (Tensor OldLogProbs, Tensor Advantages) Targets(IReadOnlyList<TrainingSample> micro, long width, Device device)
    {
        var old = new float[micro.Count * width];
        for (var b = 0; b < micro.Count; b++) micro[b].OldLogProbs.CopyTo(old, (int)(b * width));
        return (torch.tensor(old, [micro.Count, width], device: device),
            torch.tensor(micro.Select(s => s.Advantage).ToArray(), device: device));
    }

    private LearnerStepStats Summarize(IReadOnlyList<TrainingSample> batch, TokenSums sums, List<double> losses, List<double> norms,
        int skipped, double learningRate, double seconds)
    {
        var trained = batch.Where(s => s.Contributes).ToList();
        long tokens = trained.Sum(s => (long)s.TotalTokens);
        var stats = new LearnerStepStats
        {
            TrainingStep = TrainingSteps,
            Loss = losses.Count > 0 ? losses.Average() : null,
            GradNorm = norms.Count > 0 ? norms.Average() : null,
            Tokens = tokens,
            ResponseTokens = trained.Sum(s => (long)s.ResponseIds.Length),
            Sequences = trained.Count,
            OptimizerSteps = losses.Count,
            SkippedUpdates = skipped,
            LearningRate = learningRate,
            Seconds = seconds,
            TokensPerSecond = seconds > 0 ? tokens / seconds : 0,
        };
        return sums.WriteTo(stats, _reference is not null);
    }
}
