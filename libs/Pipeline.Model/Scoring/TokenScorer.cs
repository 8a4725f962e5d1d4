// Batched teacher-forced scoring, what the learner needs for the policy-gradient ratio: log p(t_i | t_<i) and the
// entropy of p(· | t_<i) for every token of ragged sequences. Sequences are right-padded (pad id 0, masked out of
// attention); with causal attention a real token never sees padding to its right, so right padding is exact.
// Logits are divided by the temperature before the softmax, matching how generation samples (its RawLogProbs), and
// upcast to float32 first (HF does `logits.float()`) so bf16 models lose no precision in log_softmax.
//
// Inputs are validated (non-empty, ids in the vocabulary, temperature > 0) before any tensor op; see ForwardInputs for
// why that matters in this TorchSharp.
//
// Shapes: B sequences, L longest length, N = L − 1, V vocab.
using Pipeline.Model.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Scoring;

/// <summary>Per-token log-probabilities and entropies of given token sequences.</summary>
public static class TokenScorer
{
    /// <param name="model">The causal LM to score with.</param>
    /// <param name="sequences">Ragged token sequences (each ≥ 1 token; a 1-token sequence has no scores).</param>
    /// <param name="temperature">Logits are divided by it before the softmax (&gt; 0).</param>
    /// <param name="withGrad">Keep the autograd graph of the log-probabilities (the learner's loss); otherwise scoring runs
    /// under no_grad. Entropies never carry gradients.</param>
    /// <exception cref="ArgumentException">Empty batch, empty sequence, an id outside [0, V), or temperature ≤ 0.</exception>
    public static ScoredTokens Score(ICausalLM model, IReadOnlyList<int[]> sequences, float temperature = 1, bool withGrad = false)
    {
        Validate(model, sequences, temperature);
        using var gradMode = withGrad ? torch.enable_grad() : torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var (ids, mask) = RightPadded(sequences, model.Device); // (B, L) each
        var logits = model.Forward(ids, attentionMask: mask).to(ScalarType.Float32); // (B, L, V)
        var length = ids.shape[1];
        var logProbsAll = (logits.narrow(1, 0, length - 1) / temperature).log_softmax(-1); // (B, N, V)
        var targets = ids.narrow(1, 1, length - 1).unsqueeze(-1); // (B, N, 1)
        var scored = mask.narrow(1, 1, length - 1); // (B, N)
        var logProbs = logProbsAll.gather(-1, targets).squeeze(-1).masked_fill(scored.logical_not(), 0); // (B, N)
        var entropies = Entropies(logProbsAll, scored); // (B, N), detached
        return new ScoredTokens(logProbs.MoveToOuterDisposeScope(), entropies.MoveToOuterDisposeScope(),
            scored.MoveToOuterDisposeScope(), sequences.Select(s => s.Length).ToArray());
    }

    /// <summary>
    /// −Σ p log p per position, always without gradient: entropy is a metric here, and keeping p·log p in the graph
    /// would hold another (B, N, V) tensor for backward (20 GB at B·N = 32k with Qwen's 152k vocabulary).
    /// </summary>
    private static Tensor Entropies(Tensor logProbsAll, Tensor scored)
    {
        using var noGrad = torch.no_grad();
        var logProbs = logProbsAll.detach(); // (B, N, V)
        return (-(logProbs.exp() * logProbs).sum(-1)).masked_fill(scored.logical_not(), 0); // (B, N)
    }

    /// <summary>Convenience for CLIs and tests: row b's log p(t_i | t_&lt;i), i = 1 … n_b − 1, as arrays.</summary>
    public static float[][] LogProbs(ICausalLM model, IReadOnlyList<int[]> sequences, float temperature = 1)
    {
        using var scored = Score(model, sequences, temperature);
        return scored.LogProbArrays();
    }

    private static void Validate(ICausalLM model, IReadOnlyList<int[]> sequences, float temperature)
    {
        if (sequences.Count == 0) throw new ArgumentException("no sequences to score", nameof(sequences));
        if (!(temperature > 0) || float.IsInfinity(temperature))
            throw new ArgumentException($"temperature must be a finite number > 0, got {temperature}", nameof(temperature));
        for (var b = 0; b < sequences.Count; b++)
        {
            var sequence = sequences[b] ?? throw new ArgumentException($"sequence {b} is null", nameof(sequences));
            if (sequence.Length == 0) throw new ArgumentException($"sequence {b} is empty", nameof(sequences));
            var bad = Array.FindIndex(sequence, id => id < 0 || id >= model.VocabSize);
            if (bad >= 0)
                throw new ArgumentException(
                    $"sequence {b}, position {bad}: token id {sequence[bad]} is outside the vocabulary [0, {model.VocabSize})", nameof(sequences));
        }
    }

    /// <summary>Ids (B, L) int64 padded with 0 on the right, and the mask (B, L) bool of real tokens.</summary>
    private static (Tensor Ids, Tensor Mask) RightPadded(IReadOnlyList<int[]> sequences, Device device)
    {
        var length = sequences.Max(s => s.Length);
        var ids = new long[sequences.Count * length];
        var mask = new bool[sequences.Count * length];
        for (var b = 0; b < sequences.Count; b++)
        {
            for (var i = 0; i < sequences[b].Length; i++)
            {
                ids[b * length + i] = sequences[b][i];
                mask[b * length + i] = true;
            }
        }
        long[] shape = [sequences.Count, length];
        return (torch.tensor(ids, shape, device: device), torch.tensor(mask, shape, device: device));
    }
}
