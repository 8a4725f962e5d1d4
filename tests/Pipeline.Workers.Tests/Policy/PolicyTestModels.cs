using Pipeline.Model;
using Pipeline.Model.Qwen3;
using TorchSharp;

namespace Pipeline.Workers.Tests.Policy;

/// <summary>A small random model folder to publish from, fresh temp folders, and a weight comparison.</summary>
internal static class PolicyTestModels
{
    private static readonly Lazy<string> Source = new(() =>
    {
        var folder = NewFolder("policy-source");
        TinyModelFolder.Write(folder, seed: 5);
        return folder;
    });

    /// <summary>The base model folder (tokenizer, config, weights of seed 5); written once per test run.</summary>
    public static string SourceFolder => Source.Value;

    public static string NewFolder(string prefix) => Path.Combine(Path.GetTempPath(), $"pipeline-{prefix}-{Guid.NewGuid():N}");

    /// <summary>The source folder's model (weights of seed 5).</summary>
    public static LoadedModel LoadSource() => ModelFolder.Load(SourceFolder);

    /// <summary>A model of the same config with other weights, to load a policy into.</summary>
    public static Qwen3ForCausalLM Other(Qwen3Config config, ulong seed = 9) => TinyQwen3.Create(seed, config);

    public static bool SameWeights(Qwen3ForCausalLM a, Qwen3ForCausalLM b)
    {
        var theirs = b.state_dict();
        using var scope = torch.NewDisposeScope();
        return a.state_dict().All(p => p.Value.equal(theirs[p.Key]).all().item<bool>());
    }
}
