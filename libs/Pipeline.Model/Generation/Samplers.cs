// Next-token samplers: small pure functions over logits rows (..., V), testable against known logits.
//
// Which log-probabilities generation reports (the learner's π_old):
//   LogProbs    — of the distribution actually sampled from: softmax of the logits after temperature, top-k and top-p
//                 (tokens outside the kept support have probability 0). This is the sampling policy's own likelihood.
//   RawLogProbs — temperature only: log_softmax(logits / T), the same quantity TokenScorer.Score(…, temperature: T)
//                 computes. With top-p = 1 and top-k = 0 both are equal. A learner that scores π_θ with TokenScorer
//                 should use RawLogProbs as π_old so the ratio compares like with like.
// Greedy (T = 0) samples from a point mass: LogProbs are 0 and RawLogProbs are log_softmax(logits) at T = 1.
//
// Shapes: B rows, V vocab. Logits are upcast to float32 first (bf16 models on GPU).
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Generation;

/// <summary>Draws: token ids (B) int64, their log-probabilities under the sampled and the temperature-only distribution (B) float32.</summary>
public sealed record SampledTokens(Tensor TokenIds, Tensor LogProbs, Tensor RawLogProbs);

/// <summary>Temperature, top-k, top-p and the draw itself (see the file header for the log-probabilities).</summary>
public static class Samplers
{
    /// <summary>logits / <paramref name="temperature"/> (&gt; 0).</summary>
    public static Tensor ApplyTemperature(Tensor logits, float temperature) =>
        temperature > 0 ? logits / temperature : throw new ArgumentOutOfRangeException(nameof(temperature), "temperature must be > 0 here; 0 means greedy");

    /// <summary>Keeps the <paramref name="k"/> largest logits of each row (and ties with the k-th); the rest become −∞. k ≤ 0 or ≥ V keeps all.</summary>
    public static Tensor TopK(Tensor logits, int k)
    {
        if (k <= 0 || k >= logits.shape[^1]) return logits.clone();
        using var scope = torch.NewDisposeScope();
        var kth = logits.topk(k, dim: -1).values.narrow(-1, k - 1, 1); // (..., 1)
        return logits.masked_fill(logits.lt(kth), float.NegativeInfinity).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Nucleus filtering: keeps, per row, the most likely tokens until their probability mass reaches <paramref name="p"/>
    /// (a token is kept when the mass of the tokens ranked above it is &lt; p, so at least one always is); the rest become −∞.
    /// p ≥ 1 keeps all.
    /// </summary>
    public static Tensor TopP(Tensor logits, float p)
    {
        if (p >= 1) return logits.clone();
        using var scope = torch.NewDisposeScope();
        var (sorted, order) = logits.softmax(-1).sort(-1, descending: true); // (..., V) each
        var massAbove = sorted.cumsum(-1) - sorted; // (..., V), exclusive prefix sum in sorted order
        var dropSorted = massAbove.ge(p); // (..., V)
        var drop = torch.zeros_like(dropSorted).scatter(-1, order, dropSorted); // (..., V) back in vocabulary order
        return logits.masked_fill(drop, float.NegativeInfinity).MoveToOuterDisposeScope();
    }

    /// <summary>The logits of the distribution that is sampled from: temperature, then top-k, then top-p (T &gt; 0).</summary>
    public static Tensor Process(Tensor logits, SamplingOptions options)
    {
        using var scope = torch.NewDisposeScope();
        var processed = TopP(TopK(ApplyTemperature(logits.to(ScalarType.Float32), options.Temperature), options.TopK), options.TopP);
        return processed.MoveToOuterDisposeScope();
    }

    /// <summary>Draws one token per row of <paramref name="logits"/> (B, V), the uniforms taken from <paramref name="generator"/>.</summary>
    public static SampledTokens Sample(Tensor logits, SamplingOptions options, Generator? generator)
    {
        using var uniforms = torch.rand(logits.shape[0], ScalarType.Float64, logits.device, generator: generator); // (B)
        return SampleFromUniforms(logits, options, uniforms);
    }

    /// <summary>
    /// Draws one token per row of <paramref name="logits"/> (B, V) by inversion: row b takes the first token whose
    /// cumulative probability exceeds <paramref name="uniforms"/>[b] (B, values in [0, 1)). One uniform per row and
    /// nothing else, so a row's token depends on its own logits and uniform only, never on the other rows.
    /// Greedy ignores the uniforms.
    /// </summary>
    public static SampledTokens SampleFromUniforms(Tensor logits, SamplingOptions options, Tensor uniforms)
    {
        using var scope = torch.NewDisposeScope();
        var raw = logits.to(ScalarType.Float32); // (B, V)
        Tensor tokens, logProbs, rawLogProbs;
        if (options.IsGreedy)
        {
            tokens = raw.argmax(-1, keepdim: true); // (B, 1)
            logProbs = torch.zeros(tokens.shape, ScalarType.Float32, raw.device); // point mass
            rawLogProbs = raw.log_softmax(-1).gather(-1, tokens); // (B, 1)
        }
        else
        {
            var processed = Process(raw, options).log_softmax(-1); // (B, V), −∞ outside the support
            tokens = InverseCdf(processed.exp(), uniforms); // (B, 1)
            logProbs = processed.gather(-1, tokens); // (B, 1)
            rawLogProbs = ApplyTemperature(raw, options.Temperature).log_softmax(-1).gather(-1, tokens); // (B, 1)
        }
        return new SampledTokens(tokens.squeeze(-1).MoveToOuterDisposeScope(), logProbs.squeeze(-1).MoveToOuterDisposeScope(),
            rawLogProbs.squeeze(-1).MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Row-wise inversion (B, V) × (B) → (B, 1). The CDF is summed in float64 and divided by its own total, so its last
    /// entry is exactly 1 and a uniform u &lt; 1 always selects an index &lt; V; the selected entry is one where the CDF
    /// rises, so a token of probability 0 (outside top-k/top-p) can never be drawn.
    /// </summary>
    private static Tensor InverseCdf(Tensor probabilities, Tensor uniforms)
    {
        var cdf = probabilities.to(ScalarType.Float64).cumsum(-1); // (B, V)
        cdf = cdf / cdf.narrow(-1, cdf.shape[^1] - 1, 1); // (B, V), last column 1
        var u = uniforms.to(ScalarType.Float64, probabilities.device).unsqueeze(-1); // (B, 1)
        return cdf.le(u).sum(-1, keepdim: true, type: ScalarType.Int64); // (B, 1): entries ≤ u come before the draw
    }
}
