using System.Text.RegularExpressions;
using Pipeline.Model.Qwen3;
using TorchSharp;

namespace Pipeline.Model.Checkpoints;

/// <summary>
/// Saves a model as an HF folder that transformers (and <see cref="CheckpointReader"/>) loads: config.json, the
/// weights as one <c>model.safetensors</c> or as shards <c>model-00001-of-00003.safetensors</c> with
/// <c>model.safetensors.index.json</c>, and generation_config.json copied through. Tensors are written sorted by
/// name, each converted to a contiguous CPU copy one at a time. Every file is written under a temporary name and
/// renamed into place, the index last; weights files left from an earlier save in another layout are removed, so the
/// folder never holds a stale checkpoint beside the new one.
/// </summary>
public static partial class CheckpointWriter
{
    public const string ConfigFileName = "config.json";

    /// <summary>
    /// Saves <paramref name="module"/>'s state dict with <paramref name="config"/> into <paramref name="folder"/>
    /// (created if needed). <paramref name="saveDtype"/> converts floating-point tensors (default: as they are) and is
    /// written to config.json as torch_dtype. <paramref name="maxShardBytes"/> shards the weights like transformers'
    /// <c>max_shard_size</c> (default: one file). <paramref name="generationConfigPath"/>, when given, is copied in.
    /// </summary>
    /// <remarks>
    /// Tied embeddings: with <c>tie_word_embeddings: true</c> a Qwen3 checkpoint has no <c>lm_head.weight</c>; a module
    /// that still exposes one is saved without it if it equals <c>model.embed_tokens.weight</c>, and refused otherwise.
    /// </remarks>
    public static void Save(torch.nn.Module module, Qwen3Config config, string folder, torch.ScalarType? saveDtype = null,
        long? maxShardBytes = null, string? generationConfigPath = null)
    {
        var state = module.state_dict(); // the module's own tensors: not ours to dispose
        TiedEmbeddings.DropTiedHeadForSave(state, config.TieWordEmbeddings);
        var dtype = saveDtype ?? state.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value)
            .FirstOrDefault(t => t.is_floating_point())?.dtype ?? torch.ScalarType.Float32;
        SaveTensors(state, folder, saveDtype, maxShardBytes);
        WriteConfig(config, dtype, Path.Combine(folder, ConfigFileName));
        if (generationConfigPath is not null) CopyGenerationConfig(generationConfigPath, folder);
    }

    /// <summary>
    /// Writes <paramref name="tensors"/> as the weights of <paramref name="folder"/>: one model.safetensors, or shards
    /// of at most <paramref name="maxShardBytes"/> (a larger tensor gets a shard of its own) plus the index.
    /// </summary>
    /// <returns>The file names written, the index last when sharded.</returns>
    public static IReadOnlyList<string> SaveTensors(IReadOnlyDictionary<string, torch.Tensor> tensors, string folder,
        torch.ScalarType? saveDtype = null, long? maxShardBytes = null)
    {
        if (maxShardBytes is <= 0) throw new ArgumentOutOfRangeException(nameof(maxShardBytes), maxShardBytes, "must be > 0");
        Directory.CreateDirectory(folder);
        var sizes = tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (kv.Key, SafetensorsWriter.ByteSize(kv.Value, saveDtype))).ToList();
        var shards = PlanShards(sizes, maxShardBytes ?? long.MaxValue);
        var written = new List<string>();
        if (shards.Count <= 1)
        {
            SafetensorsWriter.Write(Path.Combine(folder, CheckpointReader.SingleFileName), tensors, dtype: saveDtype);
            written.Add(CheckpointReader.SingleFileName);
        }
        else
        {
            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < shards.Count; i++)
            {
                var name = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
                SafetensorsWriter.Write(Path.Combine(folder, name), shards[i].Select(n => KeyValuePair.Create(n, tensors[n])), dtype: saveDtype);
                foreach (var tensor in shards[i]) weightMap[tensor] = name;
                written.Add(name);
            }
            var index = new CheckpointIndex(weightMap, sizes.Sum(s => s.Item2));
            WriteTextAtomically(Path.Combine(folder, CheckpointIndex.FileName), index.ToJson());
            written.Add(CheckpointIndex.FileName);
        }
        RemoveStaleWeights(folder, written);
        return written;
    }

    /// <summary>
    /// Groups tensors (in the given order) into shards as huggingface_hub's <c>split_state_dict_into_shards</c> does:
    /// a shard is closed when the next tensor would push it past <paramref name="maxShardBytes"/>; a tensor larger than
    /// that alone gets a shard of its own.
    /// </summary>
    internal static List<List<string>> PlanShards(IEnumerable<(string Name, long Bytes)> tensors, long maxShardBytes)
    {
        var shards = new List<List<string>>();
        var current = new List<string>();
        long currentBytes = 0;
        foreach (var (name, bytes) in tensors)
        {
            if (current.Count > 0 && (bytes > maxShardBytes || currentBytes + bytes > maxShardBytes))
            {
                shards.Add(current);
                (current, currentBytes) = ([], 0);
            }
            current.Add(name);
            currentBytes += bytes;
        }
        if (current.Count > 0 || shards.Count == 0) shards.Add(current);
        return shards;
    }

    private static void WriteConfig(Qwen3Config config, torch.ScalarType dtype, string path)
    {
        var name = SafetensorsDtypes.TorchName(dtype);
        var extra = (System.Text.Json.Nodes.JsonObject)config.Extra.DeepClone();
        if (extra.ContainsKey("dtype")) extra["dtype"] = name; // transformers ≥ 4.56 writes "dtype" beside/instead of torch_dtype
        WriteTextAtomically(path, (config with { TorchDtype = name, Extra = extra }).ToJson() + "\n");
    }

    private static void CopyGenerationConfig(string source, string folder)
    {
        var target = Path.Combine(folder, GenerationConfig.FileName);
        if (!File.Exists(source)) throw new FileNotFoundException($"{source}: no such generation config", source);
        if (Path.GetFullPath(source) == Path.GetFullPath(target)) return;
        File.Copy(source, target + ".tmp", overwrite: true);
        File.Move(target + ".tmp", target, overwrite: true);
    }

    private static void WriteTextAtomically(string path, string text)
    {
        File.WriteAllText(path + ".tmp", text);
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private static void RemoveStaleWeights(string folder, List<string> written)
    {
        var keep = written.ToHashSet(StringComparer.Ordinal);
        var stale = Directory.EnumerateFiles(folder).Select(Path.GetFileName)
            .Where(f => f is CheckpointReader.SingleFileName or CheckpointIndex.FileName || ShardName().IsMatch(f!))
            .Where(f => !keep.Contains(f!));
        foreach (var file in stale.ToList()) File.Delete(Path.Combine(folder, file!));
    }

    [GeneratedRegex(@"^model-\d{5}-of-\d{5}\.safetensors$")]
    private static partial Regex ShardName();
}
