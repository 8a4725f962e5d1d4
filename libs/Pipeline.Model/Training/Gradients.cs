// Global gradient-norm measurement and clipping, as torch.nn.utils.clip_grad_norm_ (total L2 norm over every
// parameter's gradient, scale factor max_norm / (norm + 1e-6) when that is below 1), split in two so that the learner
// can look at the norm first: a NaN/∞ norm means the optimiser step must be skipped, not clipped (clipping a NaN
// gradient would still write NaN into AdamW's moments and the weights). The norm is accumulated in float64.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Model.Training;

/// <summary>Gradient norm, clipping and clearing over a fixed parameter list.</summary>
internal static class Gradients
{
    /// <summary>‖g‖₂ over every parameter that has a gradient; 0 when none has. NaN or ∞ when any entry is.</summary>
    public static double TotalNorm(IReadOnlyList<Parameter> parameters)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var squares = parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!.to(ScalarType.Float64).square().sum()).ToList();
        return squares.Count == 0 ? 0 : torch.stack(squares).sum().sqrt().item<double>();
    }

    /// <summary>Scales every gradient by maxNorm / (norm + 1e-6) when that is below 1; maxNorm 0 turns clipping off.</summary>
    public static void Clip(IReadOnlyList<Parameter> parameters, double norm, double maxNorm)
    {
        if (maxNorm <= 0) return;
        var coefficient = maxNorm / (norm + 1e-6);
        if (coefficient >= 1) return;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (var grad in parameters.Select(p => p.grad).Where(g => g is not null)) grad!.mul_(coefficient);
    }

    /// <summary>Drops every gradient (sets it to None), so the next backward starts from scratch and nothing stale reaches a step.</summary>
    public static void Clear(IReadOnlyList<Parameter> parameters)
    {
        foreach (var parameter in parameters) parameter.grad = null;
    }
}
