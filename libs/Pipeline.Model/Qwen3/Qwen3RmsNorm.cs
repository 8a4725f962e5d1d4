// Qwen3RMSNorm from HF transformers' modeling_qwen3.py: y = weight · (x / sqrt(mean(x²) + eps)).
// Computed in float32 whatever the input dtype, then cast back before the weight multiplies, exactly as HF does
// (`self.weight * hidden_states.to(input_dtype)`), so bf16 models round where HF rounds. TorchSharp has no built-in
// RMSNorm. Used over the hidden size (input/post-attention/final norms) and over head_dim (q_norm/k_norm).
//
// Shapes: (..., N) → (..., N), N = hidden size or head_dim D.
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Model.Qwen3;

/// <summary>Root-mean-square layer norm over the last dimension, computed in float32 (HF <c>Qwen3RMSNorm</c>).</summary>
public sealed class Qwen3RmsNorm : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")] private readonly Parameter _weight;
    private readonly double _eps;

    public Qwen3RmsNorm(long size, double eps, Device device, ScalarType dtype) : base(nameof(Qwen3RmsNorm))
    {
        _weight = new Parameter(torch.ones(size, dtype, device));
        _eps = eps;
        RegisterComponents();
    }

    /// <summary>The learned per-channel scale (checkpoint key suffix <c>weight</c>).</summary>
    public Parameter Weight => _weight;

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = input.to(ScalarType.Float32);
        var variance = x.pow(2).mean([-1], keepdim: true);
        x = x * torch.rsqrt(variance + _eps);
        return (_weight * x.to(input.dtype)).MoveToOuterDisposeScope();
    }
}
