// The frozen reference policy of the KL term (GRPO's π_ref): a copy of the policy's weights at the start of training
// that never changes. Only built when kl.coef > 0 — it doubles the weights in memory and adds a forward pass per
// micro-batch. On resume the reference must be the INITIAL policy again (load spec.model.path, not the checkpoint);
// the integrator passes it to PolicyOptimizer.
using Pipeline.Model.Qwen3;
using TorchSharp;

namespace Pipeline.Model.Training;

/// <summary>Builds frozen reference policies.</summary>
public static class ReferencePolicy
{
    /// <summary>
    /// A new model with <paramref name="policy"/>'s config, device, dtype and current weights, every parameter with
    /// requires_grad = false, in eval mode. The caller owns it.
    /// </summary>
    public static Qwen3ForCausalLM FrozenCopy(Qwen3ForCausalLM policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var copy = new Qwen3ForCausalLM(policy.Config, policy.Device, policy.DType);
        var source = policy.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        using (torch.no_grad())
        {
            foreach (var (name, parameter) in copy.named_parameters())
            {
                parameter.copy_(source[name]);
                parameter.requires_grad = false;
            }
        }
        copy.eval();
        return copy;
    }
}
