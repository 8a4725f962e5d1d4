using TorchSharp;

namespace Pipeline.Model.Checkpoints;

/// <summary>
/// The tensors of an HF model folder: one <c>model.safetensors</c>, or shards listed in
/// <c>model.safetensors.index.json</c>. Opening reads every header and checks that the folder is consistent — a
/// shard the index names exists, every tensor the index lists is in its shard, no tensor is in two shards, no shard
/// holds a tensor the index does not list — reporting every problem at once. Tensors are then read one at a time.
/// A folder holding both a single file and an index is ambiguous and refused (our writer never leaves both).
/// </summary>
public sealed class CheckpointReader : IDisposable
{
    public const string SingleFileName = "model.safetensors";

    private readonly Dictionary<string, SafetensorsFile> _fileOf;
    private readonly List<SafetensorsFile> _files;

    private CheckpointReader(string folder, List<SafetensorsFile> files, Dictionary<string, SafetensorsFile> fileOf, bool sharded)
    {
        (Folder, _files, _fileOf, IsSharded) = (folder, files, fileOf, sharded);
    }

    public string Folder { get; }

    /// <summary>Whether the checkpoint is sharded (has an index).</summary>
    public bool IsSharded { get; }

    /// <summary>Paths of the safetensors files, sorted.</summary>
    public IReadOnlyList<string> Files => [.. _files.Select(f => f.Path)];

    /// <summary>Every tensor name, sorted ordinally.</summary>
    public IReadOnlyList<string> Names => [.. _fileOf.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Opens the checkpoint in <paramref name="folder"/>.</summary>
    /// <exception cref="FileNotFoundException">Neither a model.safetensors nor an index is there.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt or the shards are inconsistent; the message names files and tensors.</exception>
    public static CheckpointReader Open(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: no such model folder");
        var single = Path.Combine(folder, SingleFileName);
        var index = Path.Combine(folder, CheckpointIndex.FileName);
        return (File.Exists(single), File.Exists(index)) switch
        {
            (true, true) => throw new InvalidDataException(
                $"{folder}: holds both {SingleFileName} and {CheckpointIndex.FileName}; it is unclear which is the checkpoint, remove one"),
            (true, false) => OpenSingle(folder, single),
            (false, true) => OpenSharded(folder, index),
            _ => throw new FileNotFoundException($"{folder}: no {SingleFileName} or {CheckpointIndex.FileName} (only safetensors checkpoints are supported)", single),
        };
    }

    /// <summary>Whether the checkpoint holds <paramref name="name"/>.</summary>
    public bool Contains(string name) => _fileOf.ContainsKey(name);

    /// <summary>The header entry (dtype, shape) of <paramref name="name"/>.</summary>
    public SafetensorsEntry Entry(string name) => FileOf(name).Entry(name);

    /// <summary>Reads <paramref name="name"/> as <paramref name="dtype"/> on <paramref name="device"/> (see <see cref="SafetensorsFile.Read"/>).</summary>
    public torch.Tensor Read(string name, torch.ScalarType? dtype = null, torch.Device? device = null) => FileOf(name).Read(name, dtype, device);

    /// <summary>Reads every tensor, by name.</summary>
    public Dictionary<string, torch.Tensor> ReadAll(torch.ScalarType? dtype = null, torch.Device? device = null) =>
        TensorDictionary.ReadAll(Names, name => Read(name, dtype, device));

    public void Dispose()
    {
        foreach (var file in _files) file.Dispose();
    }

    private SafetensorsFile FileOf(string name) =>
        _fileOf.TryGetValue(name, out var file) ? file : throw new KeyNotFoundException($"{Folder}: the checkpoint has no tensor named '{name}'");

    private static CheckpointReader OpenSingle(string folder, string path)
    {
        var file = SafetensorsFile.Open(path);
        return new CheckpointReader(folder, [file], file.Names.ToDictionary(n => n, _ => file, StringComparer.Ordinal), sharded: false);
    }

    private static CheckpointReader OpenSharded(string folder, string indexPath)
    {
        var index = CheckpointIndex.Load(indexPath);
        var problems = new List<string>();
        var shards = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        try
        {
            foreach (var shard in index.Shards)
            {
                var path = Path.Combine(folder, shard);
                if (File.Exists(path)) shards[shard] = SafetensorsFile.Open(path);
                else problems.Add(MissingShard(index, shard));
            }
            var fileOf = CheckConsistency(index, shards, problems);
            if (problems.Count > 0)
                throw new InvalidDataException($"{indexPath}: the sharded checkpoint is inconsistent ({problems.Count} problems):" +
                                               string.Concat(problems.Select(p => Environment.NewLine + "  " + p)));
            return new CheckpointReader(folder, [.. shards.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => s.Value)], fileOf, sharded: true);
        }
        catch
        {
            foreach (var file in shards.Values) file.Dispose();
            throw;
        }
    }

    private static string MissingShard(CheckpointIndex index, string shard)
    {
        var names = index.WeightMap.Where(kv => kv.Value == shard).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToList();
        return $"shard '{shard}' is listed in the index (for {names.Count} tensors, e.g. '{names[0]}') but missing from the folder";
    }

    private static Dictionary<string, SafetensorsFile> CheckConsistency(CheckpointIndex index, Dictionary<string, SafetensorsFile> shards, List<string> problems)
    {
        var holders = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (shard, file) in shards.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            foreach (var name in file.Names)
            {
                if (!holders.TryGetValue(name, out var list)) holders[name] = list = [];
                list.Add(shard);
            }
        }
        foreach (var (name, shard) in index.WeightMap.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (shards.TryGetValue(shard, out var file) && !file.Contains(name))
                problems.Add($"tensor '{name}' is listed in the index under '{shard}', but that shard does not contain it");
        }
        var fileOf = new Dictionary<string, SafetensorsFile>(StringComparer.Ordinal);
        foreach (var (name, list) in holders.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            if (list.Count > 1) problems.Add($"tensor '{name}' is present in {list.Count} shards: {string.Join(", ", list.Select(s => $"'{s}'"))}");
            else if (!index.WeightMap.ContainsKey(name)) problems.Add($"tensor '{name}' is in shard '{list[0]}' but not listed in the index");
            else fileOf[name] = shards[list[0]];
        }
        return fileOf;
    }
}
