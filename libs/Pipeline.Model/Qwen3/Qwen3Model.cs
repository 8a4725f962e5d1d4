// Qwen3Model from HF transformers' modeling_qwen3.py: token embedding, the decoder layers, a final RMSNorm. The
// rotary cos/sin and the boolean attention mask are computed once per forward and shared by every layer.
// Expects validated inputs (ForwardInputs); Qwen3ForCausalLM is the public entry point that validates.
//
// Shapes: B batch, T new tokens, S cached + new tokens, D head_dim; output (B, T, hidden).
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Model.Qwen3;

/// <summary>The Qwen3 decoder stack without the LM head (HF <c>Qwen3Model</c>; checkpoint prefix <c>model.</c>).</summary>
public sealed class Qwen3Model : nn.Module
{
    [ComponentName(Name = "embed_tokens")] private readonly Qwen3Embedding _embedTokens;
    [ComponentName(Name = "layers")] private readonly ModuleList<Qwen3DecoderLayer> _layers;
    [ComponentName(Name = "norm")] private readonly Qwen3RmsNorm _norm;
    private readonly Qwen3Rotary _rotary;

    public Qwen3Model(Qwen3Config config, Device device, ScalarType dtype) : base(nameof(Qwen3Model))
    {
        _embedTokens = new Qwen3Embedding(config.VocabSize, config.HiddenSize, device, dtype);
        _layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers)
            .Select(i => new Qwen3DecoderLayer(config, i, device, dtype)).ToArray());
        _norm = new Qwen3RmsNorm(config.HiddenSize, config.RmsNormEps, device, dtype);
        _rotary = new Qwen3Rotary(config.HeadDim, config.RopeTheta);
        RegisterComponents();
    }

    /// <summary>The (V, hidden) embedding matrix; also the LM head when embeddings are tied.</summary>
    public Parameter EmbeddingWeight => _embedTokens.Weight;

    public int LayerCount => _layers.Count;

    /// <summary>Final normed hidden states (B, T, hidden); appends to and advances <paramref name="cache"/> when given.</summary>
    public Tensor forward(ForwardInputs inputs, KvCache? cache)
    {
        using var scope = torch.NewDisposeScope();
        var h = _embedTokens.forward(inputs.InputIds); // (B, T, hidden)
        var (cos, sin) = _rotary.CosSin(inputs.PositionIds, h.dtype); // (B, T, D) each
        var (mask, isCausal) = inputs.Attention(); // (B, 1, T, S) or none
        foreach (var layer in _layers) h = layer.forward(h, cos, sin, mask, isCausal, cache);
        cache?.Advance((int)inputs.InputIds.shape[1]);
        return _norm.forward(h).MoveToOuterDisposeScope();
    }
}
