// Test support for every team: a random, tiny Qwen3 (vocab 97, hidden 32, 2 layers, 4 heads over 2 KV heads,
// head_dim 16 ≠ hidden/heads) that builds in milliseconds on a CPU. Lives in the library, not in a test project, so
// other test projects (learner, rollout, checkpoint round trips) and the CLI can make one without a project reference
// to our tests. Weights come from a private generator seeded by the caller: the same seed gives the same model in
// any thread, whatever else uses torch's global generator.
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Qwen3;

/// <summary>Factory of small random Qwen3 configs and models for tests and examples.</summary>
public static class TinyQwen3
{
    /// <summary>A small dense Qwen3 config; every architectural feature of the real ones (GQA, head_dim ≠ hidden/heads) is exercised.</summary>
    public static Qwen3Config Config(int vocabSize = 97, int hiddenSize = 32, int layers = 2, int heads = 4, int kvHeads = 2,
        int headDim = 16, int intermediateSize = 64, bool tieWordEmbeddings = false, double ropeTheta = 10_000) => new()
    {
        VocabSize = vocabSize,
        HiddenSize = hiddenSize,
        IntermediateSize = intermediateSize,
        NumHiddenLayers = layers,
        NumAttentionHeads = heads,
        NumKeyValueHeads = kvHeads,
        HeadDim = headDim,
        RopeTheta = ropeTheta,
        TieWordEmbeddings = tieWordEmbeddings,
        MaxPositionEmbeddings = 4096,
        TorchDtype = "float32",
    };

    /// <summary>
    /// A model of <paramref name="config"/> (default <see cref="Config"/>) with weights drawn from normal(0, <paramref name="std"/>)
    /// by a generator seeded with <paramref name="seed"/>. Norm weights are perturbed around 1 by the same generator
    /// so that a test would notice a norm weight applied in the wrong place (HF initialises them to exactly 1).
    /// </summary>
    public static Qwen3ForCausalLM Create(ulong seed = 0, Qwen3Config? config = null, ScalarType dtype = ScalarType.Float32,
        double std = 0.2, Device? device = null)
    {
        var model = new Qwen3ForCausalLM(config ?? Config(), device, dtype);
        using var generator = new Generator(seed, model.Device);
        model.InitializeWeights(std, generator);
        using var noGrad = torch.no_grad();
        foreach (var (_, norm) in model.named_parameters().Where(p => p.name.EndsWith("norm.weight", StringComparison.Ordinal)))
        {
            norm.normal_(1, 0.1, generator);
        }
        model.eval();
        return model;
    }
}
