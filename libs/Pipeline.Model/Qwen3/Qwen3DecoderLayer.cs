// Qwen3DecoderLayer from HF transformers' modeling_qwen3.py: pre-norm residual blocks,
// h = x + attn(input_layernorm(x)); out = h + mlp(post_attention_layernorm(h)).
//
// Shapes: B batch, T new tokens, S cached + new tokens, D head_dim; hidden states (B, T, hidden).
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Model.Qwen3;

/// <summary>One transformer block (HF <c>Qwen3DecoderLayer</c>).</summary>
public sealed class Qwen3DecoderLayer : nn.Module
{
    [ComponentName(Name = "input_layernorm")] private readonly Qwen3RmsNorm _inputLayerNorm;
    [ComponentName(Name = "self_attn")] private readonly Qwen3Attention _selfAttention;
    [ComponentName(Name = "post_attention_layernorm")] private readonly Qwen3RmsNorm _postAttentionLayerNorm;
    [ComponentName(Name = "mlp")] private readonly Qwen3Mlp _mlp;

    public Qwen3DecoderLayer(Qwen3Config config, int layerIndex, Device device, ScalarType dtype) : base(nameof(Qwen3DecoderLayer))
    {
        _inputLayerNorm = new Qwen3RmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        _selfAttention = new Qwen3Attention(config, layerIndex, device, dtype);
        _postAttentionLayerNorm = new Qwen3RmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        _mlp = new Qwen3Mlp(config, device, dtype);
        RegisterComponents();
    }

    /// <summary>(B, T, hidden) → (B, T, hidden); cos/sin (B, T, D), mask (B, 1, T, S) or null (see Qwen3Attention).</summary>
    public Tensor forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, bool isCausal, KvCache? cache)
    {
        using var scope = torch.NewDisposeScope();
        var h = x + _selfAttention.forward(_inputLayerNorm.forward(x), cos, sin, mask, isCausal, cache);
        var output = h + _mlp.forward(_postAttentionLayerNorm.forward(h));
        return output.MoveToOuterDisposeScope();
    }
}
