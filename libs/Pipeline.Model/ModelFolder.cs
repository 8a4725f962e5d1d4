using Pipeline.Model.Checkpoints;
using Pipeline.Model.Qwen3;
using Pipeline.Model.Runtime;
using Pipeline.Model.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model;

/// <summary>A model folder loaded into memory: config, weights in a Qwen3 module, tokenizer, generation defaults.</summary>
public sealed class LoadedModel(string folder, Qwen3ForCausalLM model, QwenTokenizer tokenizer, GenerationConfig? generation) : IDisposable
{
    public string Folder { get; } = folder;
    public Qwen3ForCausalLM Model { get; } = model;
    public QwenTokenizer Tokenizer { get; } = tokenizer;
    public GenerationConfig? Generation { get; } = generation;
    public Qwen3Config Config => Model.Config;

    /// <summary>Every id that ends a response: the generation config's, the config's and the tokenizer's.</summary>
    public IReadOnlyList<int> EosTokenIds =>
        (Generation?.EosTokenIds ?? []).Concat(Config.EosTokenIds).Concat(Tokenizer.EosTokenIds).Distinct().ToList();

    public void Dispose() => Model.Dispose();
}

/// <summary>
/// Loads and saves HF model folders (config.json, model.safetensors or a sharded set, tokenizer.json,
/// tokenizer_config.json, generation_config.json). Every problem is reported before weights are read: a missing
/// file, a tokenizer whose ids do not fit the embedding, a checkpoint that does not match the config.
/// </summary>
public static class ModelFolder
{
    public const string ConfigFile = "config.json";
    public const string GenerationConfigFile = "generation_config.json";
    private static readonly string[] TokenizerFiles = ["tokenizer.json", "tokenizer_config.json"];

    /// <summary>The compute dtype for a device: float32 on CPU (bf16 matmul is ~150× slower there), bfloat16 on CUDA.</summary>
    public static ScalarType DefaultDType(Device device) => device.type == DeviceType.CUDA ? ScalarType.BFloat16 : ScalarType.Float32;

    public static LoadedModel Load(string folder, Device? device = null, ScalarType? dtype = null)
    {
        TorchRuntime.EnsureLoaded();
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: no such model folder");
        var config = Qwen3Config.Load(Path.Combine(folder, ConfigFile));
        var tokenizer = QwenTokenizer.FromFolder(folder);
        if (tokenizer.VocabSize > config.VocabSize)
            throw new InvalidDataException(
                $"{folder}: the tokenizer defines ids up to {tokenizer.VocabSize - 1}, but config.json's vocab_size is {config.VocabSize}: the embedding cannot hold them");
        var generation = GenerationConfig.LoadOptional(folder);
        var target = device ?? CPU;
        var model = new Qwen3ForCausalLM(config, target, dtype ?? DefaultDType(target));
        try
        {
            CheckpointLoader.LoadInto(model, folder);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.eval();
        return new LoadedModel(Path.GetFullPath(folder), model, tokenizer, generation);
    }

    /// <summary>
    /// Writes <paramref name="model"/> as an HF folder, copying the tokenizer (and generation config) files from
    /// <paramref name="sourceFolder"/>. Weights are written in <paramref name="saveDtype"/> (default: the model's).
    /// </summary>
    public static void Save(Qwen3ForCausalLM model, string sourceFolder, string folder, ScalarType? saveDtype = null, long? maxShardBytes = null)
    {
        Directory.CreateDirectory(folder);
        var inPlace = Path.GetFullPath(sourceFolder) == Path.GetFullPath(folder);
        var generation = Path.Combine(sourceFolder, GenerationConfigFile);
        CheckpointWriter.Save(model, model.Config, folder, saveDtype, maxShardBytes, !inPlace && File.Exists(generation) ? generation : null);
        if (inPlace) return;
        foreach (var name in TokenizerFiles)
        {
            var source = Path.Combine(sourceFolder, name);
            if (File.Exists(source)) File.Copy(source, Path.Combine(folder, name), overwrite: true);
        }
    }
}
