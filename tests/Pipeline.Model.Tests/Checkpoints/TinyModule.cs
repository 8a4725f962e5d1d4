using TorchSharp;
using TorchSharp.Modules;

namespace Pipeline.Model.Tests.Checkpoints;

/// <summary>
/// A hand-made module whose state dict is named like a one-layer Qwen3 (dotted names registered directly), with a
/// non-persistent buffer that must stay out of checkpoints, as the rotary inv_freq does in HF.
/// </summary>
internal sealed class TinyModule : torch.nn.Module
{
    public const int Vocab = 10, Hidden = 4;

    public TinyModule(bool tied, long seed, torch.ScalarType dtype = torch.ScalarType.Float32, int hidden = Hidden) : base("TinyModule")
    {
        using var generator = new torch.Generator((ulong)seed);
        Add("model.embed_tokens.weight", [Vocab, hidden], dtype, generator);
        Add("model.layers.0.self_attn.q_proj.weight", [hidden, hidden], dtype, generator);
        Add("model.layers.0.input_layernorm.weight", [hidden], dtype, generator);
        Add("model.norm.weight", [hidden], dtype, generator);
        if (!tied) Add("lm_head.weight", [Vocab, hidden], dtype, generator);
        register_buffer("model.rotary_emb.inv_freq", torch.ones(hidden / 2), persistent: false);
    }

    private void Add(string name, long[] shape, torch.ScalarType dtype, torch.Generator generator)
    {
        using var values = torch.randn(shape, generator: generator);
        register_parameter(name, new Parameter(values.to(dtype)));
    }

    public torch.Tensor Get(string name) => state_dict()[name];
}
