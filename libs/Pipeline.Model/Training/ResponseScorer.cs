// The learner's forward pass: log π(t) and the entropy of π(·) at every RESPONSE token of a micro-batch, laid out
// (B, R) so that row b, column r is response token r of sample b — the layout of the old log-probabilities and of
// PolicyLoss. Same quantity as TokenScorer (softmax(logits / temperature), right padding, which is exact under causal
// attention) with two differences that matter to training:
// - log_softmax runs only at the positions that predict response tokens (a gather of R logit rows per sample), not
//   at the prompt's: with Qwen's 152k vocabulary the (B, L, V) log-softmax and its backward are the learner's largest
//   tensors, and prompts are often as long as responses.
// - no attention mask is passed: with RIGHT padding and causal attention a real token only ever attends to real tokens
//   (the padding is to its right) and its default position is its true one, so plain causal attention gives the same
//   logits at every real position — and lets SDPA take its fused is_causal kernel instead of the explicit-mask path
//   (several times faster on CPU, for the forward and the backward). Padding rows compute garbage nobody reads.
// - logits are upcast to float32 only from half types (bf16/fp16, as HF's logits.float()); a float64 model stays in
//   float64, which the finite-difference gradient test needs.
// Entropy is a metric: computed under no_grad from the detached log-probabilities (as TokenScorer's).
//
// Shapes: B samples, L longest prompt + response, R longest response, V vocab.
using Pipeline.Model.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Training;

/// <summary>Response-token scores of a micro-batch; owns its tensors.</summary>
public sealed class ResponseScores(Tensor logProbs, Tensor entropies, Tensor mask) : IDisposable
{
    /// <summary>(B, R) log π(response token r | prompt, response[..r]); 0 at padding. Carries gradient when asked.</summary>
    public Tensor LogProbs { get; } = logProbs;

    /// <summary>(B, R) entropy (nats) of the predictive distribution of response token r; 0 at padding; no gradient.</summary>
    public Tensor Entropies { get; } = entropies;

    /// <summary>(B, R) bool: true at real response tokens (of every sample, whether it trains or not).</summary>
    public Tensor Mask { get; } = mask;

    public void Dispose()
    {
        LogProbs.Dispose();
        Entropies.Dispose();
        Mask.Dispose();
    }
}

/// <summary>Scores the response tokens of training samples (see the file header).</summary>
public static class ResponseScorer
{
    /// <param name="model">The policy (with <paramref name="withGrad"/>) or the frozen reference.</param>
    /// <param name="samples">At least one sample; each prompt non-empty. A sample with no response gives an all-false row.</param>
    /// <param name="temperature">The rollout temperature (&gt; 0): π_old was computed under it.</param>
    /// <param name="withGrad">Keep the autograd graph of the log-probabilities; otherwise run under no_grad.</param>
    public static ResponseScores Score(ICausalLM model, IReadOnlyList<TrainingSample> samples, double temperature, bool withGrad)
    {
        if (samples.Count == 0) throw new ArgumentException("no samples to score", nameof(samples));
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentException($"temperature must be a finite number > 0, got {temperature}", nameof(temperature));
        using var gradMode = withGrad ? torch.enable_grad() : torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var batch = PaddedBatch.Of(samples, model.Device);
        var logits = model.Forward(batch.Ids); // (B, L, V); no mask: see the file header
        var vocab = logits.shape[2];
        var rows = logits.gather(1, batch.Positions.unsqueeze(-1).expand(-1, -1, vocab)); // (B, R, V)
        if (rows.dtype is ScalarType.BFloat16 or ScalarType.Float16) rows = rows.to(ScalarType.Float32);
        var logProbsAll = (rows / temperature).log_softmax(-1); // (B, R, V)
        var notReal = batch.ResponseMask.logical_not();
        var logProbs = logProbsAll.gather(-1, batch.Targets.unsqueeze(-1)).squeeze(-1).masked_fill(notReal, 0); // (B, R)
        Tensor entropies;
        using (torch.no_grad())
        {
            var detached = logProbsAll.detach(); // (B, R, V)
            entropies = (-(detached.exp() * detached).sum(-1)).masked_fill(notReal, 0); // (B, R)
        }
        return new ResponseScores(logProbs.MoveToOuterDisposeScope(), entropies.MoveToOuterDisposeScope(),
            batch.ResponseMask.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Right-padded prompt ‖ response ids (B, L); for response token r of row b, the position whose
    /// logits predict it, p_b − 1 + r (B, R), its id (B, R) and whether it is real (B, R). Padding points at position 0.
    /// </summary>
    private sealed record PaddedBatch(Tensor Ids, Tensor Positions, Tensor Targets, Tensor ResponseMask)
    {
        public static PaddedBatch Of(IReadOnlyList<TrainingSample> samples, Device device)
        {
            int b = samples.Count, length = samples.Max(s => s.TotalTokens), responses = Math.Max(1, samples.Max(s => s.ResponseIds.Length));
            var ids = new long[b * length];
            var positions = new long[b * responses];
            var targets = new long[b * responses];
            var responseMask = new bool[b * responses];
            for (var row = 0; row < b; row++)
            {
                var sample = samples[row];
                if (sample.PromptIds.Length == 0) throw new ArgumentException($"sample {row}: the prompt is empty", nameof(samples));
                var sequence = sample.Sequence();
                for (var i = 0; i < sequence.Length; i++) ids[row * length + i] = sequence[i];
                for (var r = 0; r < sample.ResponseIds.Length; r++)
                {
                    var at = row * responses + r;
                    (positions[at], targets[at], responseMask[at]) = (sample.PromptIds.Length - 1 + r, sample.ResponseIds[r], true);
                }
            }
            long[] full = [b, length], response = [b, responses];
            return new PaddedBatch(torch.tensor(ids, full, device: device), torch.tensor(positions, response, device: device),
                torch.tensor(targets, response, device: device), torch.tensor(responseMask, response, device: device));
        }
    }
}
