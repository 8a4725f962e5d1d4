using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Model.Checkpoints;

/// <summary>
/// <c>model.safetensors.index.json</c> of a sharded HF checkpoint: <c>weight_map</c> (tensor name → shard file in the
/// same folder) and <c>metadata.total_size</c> (bytes of tensor data over all shards). Written as transformers writes
/// it (<c>json.dumps(index, indent=2, sort_keys=True)</c>), so a save is byte-stable.
/// </summary>
public sealed record CheckpointIndex(IReadOnlyDictionary<string, string> WeightMap, long? TotalSize)
{
    public const string FileName = "model.safetensors.index.json";

    /// <summary>The distinct shard files, sorted.</summary>
    public IReadOnlyList<string> Shards => [.. WeightMap.Values.Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Reads and checks an index file: a weight_map of plain file names, an optional integer total_size.</summary>
    /// <exception cref="InvalidDataException">Not a usable index; the message names the file.</exception>
    public static CheckpointIndex Load(string path)
    {
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: invalid JSON: {e.Message}", e);
        }
        var problems = new List<string>();
        var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json["weight_map"] is not JsonObject map) problems.Add("weight_map is missing or not an object");
        else
        {
            foreach (var (name, value) in map)
            {
                var file = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
                if (file is null) problems.Add($"weight_map['{name}'] must be a file name string");
                else if (!IsPlainFileName(file)) problems.Add($"weight_map['{name}'] = '{file}' must be a file name in the same folder");
                else weightMap[name] = file;
            }
        }
        long? totalSize = null;
        if (json["metadata"]?["total_size"] is JsonValue total)
        {
            // Some older indexes store it as a float (e.g. 1.6e10); accept whole numbers either way.
            totalSize = total.TryGetValue<long>(out var t) ? t : total.TryGetValue<double>(out var d) && d == Math.Floor(d) ? (long)d : null;
            if (totalSize is null or < 0) problems.Add($"metadata.total_size must be a non-negative integer, got {total.ToJsonString()}");
        }
        if (problems.Count > 0)
            throw new InvalidDataException($"{path}: not a usable safetensors index:{Environment.NewLine}" + string.Join(Environment.NewLine, problems.Select(p => "  " + p)));
        return new CheckpointIndex(weightMap, totalSize);
    }

    /// <summary>The index as transformers writes it: keys sorted, two-space indent, trailing newline.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteStartObject("metadata");
            if (TotalSize is { } total) json.WriteNumber("total_size", total);
            json.WriteEndObject();
            json.WriteStartObject("weight_map");
            foreach (var (name, file) in WeightMap.OrderBy(kv => kv.Key, StringComparer.Ordinal)) json.WriteString(name, file);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static bool IsPlainFileName(string file) =>
        file.Length > 0 && file == Path.GetFileName(file) && file is not "." and not ".." && !file.Contains('\\');
}
