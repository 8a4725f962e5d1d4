// What TokenScorer returns: per-token log-probabilities and entropies of given sequences, as padded tensors (for the
// learner's loss, with autograd when asked) plus array views (for CLIs, services and tests).
//
// Shapes: B sequences, N = longest length − 1 scored positions. Column i − 1 of row b holds the score of token
// t_i given t_<i (i = 1 … n_b − 1); columns at or beyond n_b − 1 are padding (Mask false, value 0).
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Scoring;

/// <summary>Per-token scores of a batch of ragged sequences; owns its tensors (dispose it).</summary>
public sealed class ScoredTokens : IDisposable
{
    internal ScoredTokens(Tensor logProbs, Tensor entropies, Tensor mask, IReadOnlyList<int> lengths)
    {
        (LogProbs, Entropies, Mask, Lengths) = (logProbs, entropies, mask, lengths);
    }

    /// <summary>(B, N) float32: log p(t_i | t_&lt;i) under softmax(logits / temperature); 0 at padding.</summary>
    public Tensor LogProbs { get; }

    /// <summary>(B, N) float32: entropy (nats) of the temperature-scaled predictive distribution before t_i; 0 at padding. No gradient.</summary>
    public Tensor Entropies { get; }

    /// <summary>(B, N) bool: true where a real token is scored.</summary>
    public Tensor Mask { get; }

    /// <summary>Length n_b of every input sequence (row b has n_b − 1 scores).</summary>
    public IReadOnlyList<int> Lengths { get; }

    /// <summary>Row b's log-probabilities as an array of n_b − 1 values.</summary>
    public float[][] LogProbArrays() => Rows(LogProbs);

    /// <summary>Row b's entropies as an array of n_b − 1 values.</summary>
    public float[][] EntropyArrays() => Rows(Entropies);

    public void Dispose()
    {
        LogProbs.Dispose();
        Entropies.Dispose();
        Mask.Dispose();
    }

    private float[][] Rows(Tensor values)
    {
        using var scope = torch.NewDisposeScope();
        var flat = values.detach().to(ScalarType.Float32).cpu().data<float>().ToArray();
        var width = (int)values.shape[1];
        return Lengths.Select((n, b) => flat.AsSpan(b * width, n - 1).ToArray()).ToArray();
    }
}
