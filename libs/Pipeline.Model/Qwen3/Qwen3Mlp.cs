// Qwen3MLP from HF transformers' modeling_qwen3.py: SwiGLU, down(silu(gate(x)) · up(x)), no biases.
//
// Shapes: (B, T, hidden) → (B, T, intermediate) → (B, T, hidden).
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Model.Qwen3;

/// <summary>The SwiGLU feed-forward block of a Qwen3 decoder layer (HF <c>Qwen3MLP</c>).</summary>
public sealed class Qwen3Mlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")] private readonly Linear _gateProj;
    [ComponentName(Name = "up_proj")] private readonly Linear _upProj;
    [ComponentName(Name = "down_proj")] private readonly Linear _downProj;

    public Qwen3Mlp(Qwen3Config config, Device device, ScalarType dtype) : base(nameof(Qwen3Mlp))
    {
        _gateProj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false, device: device, dtype: dtype);
        _upProj = nn.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false, device: device, dtype: dtype);
        _downProj = nn.Linear(config.IntermediateSize, config.HiddenSize, hasBias: false, device: device, dtype: dtype);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        var gated = nn.functional.silu(_gateProj.forward(x)) * _upProj.forward(x); // (B, T, intermediate)
        return _downProj.forward(gated).MoveToOuterDisposeScope(); // (B, T, hidden)
    }
}
