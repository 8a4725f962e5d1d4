// One SFT optimisation step at a time: forward on a collated batch, masked cross-entropy on the response tokens,
// backward, gradient-norm clipping, AdamW with the scheduled learning rate. Weight decay applies to matrices
// (linear and embedding weights) and not to the RMSNorm gains, as in nanoGPT. A step whose loss or gradient norm is
// not finite is skipped (gradients dropped, weights untouched) and counted, so one bad batch never reaches the weights.
using Pipeline.Core.Spec;
using Pipeline.Model.Qwen3;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Model.Sft;

/// <summary>What one step did.</summary>
/// <param name="GradNorm">Total gradient L2 norm before clipping.</param>
/// <param name="Skipped">True when the loss or the gradient was not finite and the update was not applied.</param>
public sealed record SftStepResult(int Step, double Loss, double LearningRate, double GradNorm, int ResponseTokens, long Positions, bool Skipped);

/// <summary>AdamW training of a causal LM on SFT batches (see the file header).</summary>
public sealed class SftTrainer : IDisposable
{
    private readonly Qwen3ForCausalLM _model;
    private readonly SftOptimizerSpec _spec;
    private readonly AdamW _optimizer;
    private readonly List<Parameter> _parameters;

    public SftTrainer(Qwen3ForCausalLM model, SftOptimizerSpec spec)
    {
        _model = model;
        _spec = spec;
        Schedule = new LearningRateSchedule(spec.LearningRate, spec.Steps, spec.WarmupSteps, spec.MinLearningRateRatio);
        _parameters = [.. model.parameters()];
        var decay = _parameters.Where(p => p.dim() >= 2).ToList();
        var noDecay = _parameters.Where(p => p.dim() < 2).ToList();
        _optimizer = torch.optim.AdamW(
        [
            new AdamW.ParamGroup(decay, spec.LearningRate, spec.Beta1, spec.Beta2, 1e-8, spec.WeightDecay),
            new AdamW.ParamGroup(noDecay, spec.LearningRate, spec.Beta1, spec.Beta2, 1e-8, 0),
        ], spec.LearningRate, spec.Beta1, spec.Beta2);
    }

    public LearningRateSchedule Schedule { get; }

    /// <summary>Steps whose update was skipped for a non-finite loss or gradient.</summary>
    public int SkippedSteps { get; private set; }

    /// <summary>One optimiser step on <paramref name="batch"/> as step number <paramref name="step"/> (1-based, for the schedule).</summary>
    public SftStepResult Step(SftBatch batch, int step)
    {
        var lr = Schedule.At(step);
        foreach (var group in _optimizer.ParamGroups) group.LearningRate = lr;
        _model.train();
        _optimizer.zero_grad();
        double loss, gradNorm;
        using (var scope = torch.NewDisposeScope())
        {
            var logits = _model.Forward(batch.InputIds); // (B, T, V)
            var lossTensor = SftLoss.MaskedCrossEntropy(logits, batch.Targets);
            lossTensor.backward();
            loss = lossTensor.item<float>();
        }
        gradNorm = _spec.MaxGradNorm > 0
            ? nn.utils.clip_grad_norm_(_parameters, _spec.MaxGradNorm)
            : nn.utils.clip_grad_norm_(_parameters, double.MaxValue);
        var skipped = !double.IsFinite(loss) || !double.IsFinite(gradNorm);
        if (skipped)
        {
            SkippedSteps++;
            _optimizer.zero_grad();
        }
        else
        {
            _optimizer.step();
        }
        _model.eval();
        return new SftStepResult(step, loss, lr, gradNorm, batch.ResponseTokens, batch.Positions, skipped);
    }

    public void Dispose() => _optimizer.Dispose();
}
