// The token embedding (HF nn.Embedding `embed_tokens`): a (V, hidden) matrix whose rows are looked up by id.
// Deliberate deviation: not TorchSharp's nn.Embedding, whose native constructor materialises and initialises the
// weight on the CPU before moving it (measured: 22 s and 2.5 GB for the 8B vocabulary on the meta device). Here the
// parameter is created directly on the target device, so a full-size model on `meta` allocates nothing.
// The lookup is index_select, whose gradient (index_add) is exactly the embedding gradient.
//
// Shapes: B batch, T tokens, V vocab; ids (B, T) → (B, T, hidden).
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Pipeline.Model.Qwen3;

/// <summary>Token embedding table with checkpoint key <c>weight</c>; ids must be validated by the caller.</summary>
public sealed class Qwen3Embedding : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")] private readonly Parameter _weight;

    public Qwen3Embedding(long vocabSize, long hiddenSize, Device device, ScalarType dtype) : base(nameof(Qwen3Embedding))
    {
        _weight = new Parameter(torch.empty([vocabSize, hiddenSize], dtype, device));
        RegisterComponents();
    }

    /// <summary>The (V, hidden) table.</summary>
    public Parameter Weight => _weight;

    public override Tensor forward(Tensor ids)
    {
        using var scope = torch.NewDisposeScope();
        var rows = _weight.index_select(0, ids.reshape(-1)); // (B·T, hidden)
        return rows.view([.. ids.shape, _weight.shape[1]]).MoveToOuterDisposeScope(); // (B, T, hidden)
    }
}
