// Qwen3Attention from HF transformers' modeling_qwen3.py: q/k/v/o projections without bias; q_norm and k_norm
// (RMSNorm over head_dim, one weight shared by all heads) applied per head BEFORE the rotary embedding; grouped-query
// attention by repeating each K/V head H/Hkv times (HF repeat_kv, i.e. repeat_interleave on the head axis); scale
// D^-0.5. Uses TorchSharp's scaled_dot_product_attention, which has no GQA option (hence the repeat) and takes a
// boolean mask (true = may attend) built once per forward (ForwardInputs.Attention), or no mask and its is_casual flag
// when nothing is padded.
//
// Shapes: B batch, T new tokens, S = cached + new tokens, H query heads, Hkv key/value heads, D head_dim.
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Model.Qwen3;

/// <summary>Multi-head self-attention with QK-norm, RoPE and GQA (HF <c>Qwen3Attention</c>).</summary>
public sealed class Qwen3Attention : nn.Module
{
    [ComponentName(Name = "q_proj")] private readonly Linear _qProj;
    [ComponentName(Name = "k_proj")] private readonly Linear _kProj;
    [ComponentName(Name = "v_proj")] private readonly Linear _vProj;
    [ComponentName(Name = "o_proj")] private readonly Linear _oProj;
    [ComponentName(Name = "q_norm")] private readonly Qwen3RmsNorm _qNorm;
    [ComponentName(Name = "k_norm")] private readonly Qwen3RmsNorm _kNorm;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headDim;
    private readonly int _layerIndex;

    public Qwen3Attention(Qwen3Config config, int layerIndex, Device device, ScalarType dtype) : base(nameof(Qwen3Attention))
    {
        (_heads, _kvHeads, _headDim, _layerIndex) = (config.NumAttentionHeads, config.NumKeyValueHeads, config.HeadDim, layerIndex);
        long hidden = config.HiddenSize, queryWidth = (long)_heads * _headDim, kvWidth = (long)_kvHeads * _headDim;
        _qProj = nn.Linear(hidden, queryWidth, hasBias: false, device: device, dtype: dtype);
        _kProj = nn.Linear(hidden, kvWidth, hasBias: false, device: device, dtype: dtype);
        _vProj = nn.Linear(hidden, kvWidth, hasBias: false, device: device, dtype: dtype);
        _oProj = nn.Linear(queryWidth, hidden, hasBias: false, device: device, dtype: dtype);
        _qNorm = new Qwen3RmsNorm(_headDim, config.RmsNormEps, device, dtype);
        _kNorm = new Qwen3RmsNorm(_headDim, config.RmsNormEps, device, dtype);
        RegisterComponents();
    }

    /// <param name="x">(B, T, hidden) normed hidden states.</param>
    /// <param name="cos">(B, T, D) rotary cosines of the new tokens' positions.</param>
    /// <param name="sin">(B, T, D) rotary sines.</param>
    /// <param name="mask">(B, 1, T, S) boolean, true where a query may attend to a key; null: see <paramref name="isCausal"/>.</param>
    /// <param name="isCausal">Without a mask: true = plain causal attention (T = S), false = every query sees every key.</param>
    /// <param name="cache">When given, the new K/V are appended and attention covers all S cached slots.</param>
    /// <returns>(B, T, hidden).</returns>
    public Tensor forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, bool isCausal, KvCache? cache)
    {
        using var scope = torch.NewDisposeScope();
        long b = x.shape[0], t = x.shape[1];
        var q = _qNorm.forward(_qProj.forward(x).view(b, t, _heads, _headDim)).transpose(1, 2); // (B, H, T, D)
        var k = _kNorm.forward(_kProj.forward(x).view(b, t, _kvHeads, _headDim)).transpose(1, 2); // (B, Hkv, T, D)
        var v = _vProj.forward(x).view(b, t, _kvHeads, _headDim).transpose(1, 2); // (B, Hkv, T, D)
        q = Qwen3Rotary.Apply(q, cos, sin);
        k = Qwen3Rotary.Apply(k, cos, sin);
        if (cache is not null) (k, v) = cache.Append(_layerIndex, k, v); // (B, Hkv, S, D)
        k = RepeatKv(k); // (B, H, S, D)
        v = RepeatKv(v); // (B, H, S, D)
        var y = nn.functional.scaled_dot_product_attention(q, k, v, mask, 0.0, isCausal); // (B, H, T, D)
        y = y.transpose(1, 2).reshape(b, t, _heads * _headDim); // (B, T, H·D)
        return _oProj.forward(y).MoveToOuterDisposeScope(); // (B, T, hidden)
    }

    /// <summary>(B, Hkv, S, D) → (B, H, S, D): kv head j serves query heads j·g … j·g + g − 1, g = H / Hkv.</summary>
    private Tensor RepeatKv(Tensor kv)
    {
        var groups = _heads / _kvHeads;
        return groups == 1 ? kv : kv.repeat_interleave(groups, dim: 1); // (B, H, S, D)
    }
}
