// The SFT objective: next-token cross-entropy on response tokens only. Prompt and padding positions carry the target
// SftBatches.IgnoreIndex and add nothing, neither to the sum nor to the count: the loss is the mean over the batch's
// response tokens (a token mean, so long responses weigh in proportion to their length, as in standard SFT).
//
// Shapes: B batch, T positions, V vocab.
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Sft;

/// <summary>Masked next-token cross-entropy (see the file header).</summary>
public static class SftLoss
{
    /// <summary>Mean negative log-likelihood of the non-ignored targets: logits (B, T, V), targets (B, T) → scalar.</summary>
    public static Tensor MaskedCrossEntropy(Tensor logits, Tensor targets)
    {
        if (logits.dim() != 3 || targets.dim() != 2 || logits.shape[0] != targets.shape[0] || logits.shape[1] != targets.shape[1])
            throw new ArgumentException($"expected logits (B, T, V) and targets (B, T), got ({string.Join(", ", logits.shape)}) and ({string.Join(", ", targets.shape)})");
        using var scope = torch.NewDisposeScope();
        var vocab = logits.shape[2];
        var flatLogits = logits.reshape(-1, vocab).to(ScalarType.Float32); // (B·T, V), fp32 log-softmax
        var flatTargets = targets.reshape(-1); // (B·T)
        return nn.functional.cross_entropy(flatLogits, flatTargets, ignore_index: SftBatches.IgnoreIndex).MoveToOuterDisposeScope();
    }
}
