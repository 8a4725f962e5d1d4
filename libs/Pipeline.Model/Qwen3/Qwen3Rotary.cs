// Rotary position embeddings as in HF transformers' Qwen3RotaryEmbedding + apply_rotary_pos_emb (the "default"
// rope type, attention_scaling 1): inv_freq_i = 1 / theta^(2i/D) in float32, angles = position · inv_freq,
// emb = cat(angles, angles), and x·cos + rotate_half(x)·sin with rotate_half(x) = cat(−x₂, x₁) (halves, not pairs).
//
// Deliberate difference from HF: positions are always an explicit (B, T) tensor (HF accepts them too), so
// left-padded batches and KV-cache decoding rotate each token by its own count of real tokens before it.
// Not a Module: it has no parameters, and inv_freq is kept as a managed array so it is never a state-dict buffer
// (HF registers it with persistent=False for the same reason).
//
// Shapes: B batch, T new tokens, H heads, D head_dim. positions (B, T) → cos, sin (B, T, D).
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Qwen3;

/// <summary>Rotate-half RoPE with base <c>rope_theta</c> over <c>head_dim</c> (HF <c>Qwen3RotaryEmbedding</c>).</summary>
public sealed class Qwen3Rotary
{
    private readonly float[] _inverseFrequencies;

    public Qwen3Rotary(int headDim, double theta)
    {
        // HF: 1.0 / (base ** (arange(0, dim, 2).float() / dim)), evaluated in float32.
        _inverseFrequencies = Enumerable.Range(0, headDim / 2)
            .Select(i => 1f / MathF.Pow((float)theta, 2 * i / (float)headDim))
            .ToArray();
    }

    /// <summary>cos and sin of every token's rotation angles, each (B, T, D), cast to <paramref name="dtype"/>.</summary>
    public (Tensor Cos, Tensor Sin) CosSin(Tensor positions, ScalarType dtype)
    {
        using var scope = torch.NewDisposeScope();
        var inverse = torch.tensor(_inverseFrequencies, device: positions.device); // (D/2)
        var angles = positions.to(ScalarType.Float32).unsqueeze(-1) * inverse; // (B, T, 1) · (D/2) → (B, T, D/2)
        var embedded = torch.cat([angles, angles], dim: -1); // (B, T, D)
        var cos = embedded.cos().to(dtype).MoveToOuterDisposeScope();
        var sin = embedded.sin().to(dtype).MoveToOuterDisposeScope();
        return (cos, sin);
    }

    /// <summary>Rotates x (B, heads, T, D) by the angles in cos/sin (B, T, D).</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = torch.NewDisposeScope();
        var c = cos.unsqueeze(1); // (B, 1, T, D), broadcast over heads
        var s = sin.unsqueeze(1); // (B, 1, T, D)
        return (x * c + RotateHalf(x) * s).MoveToOuterDisposeScope();
    }

    private static Tensor RotateHalf(Tensor x)
    {
        var half = x.shape[^1] / 2;
        var first = x.narrow(-1, 0, half); // (..., D/2)
        var second = x.narrow(-1, half, half); // (..., D/2)
        return torch.cat([-second, first], dim: -1); // (..., D)
    }
}
