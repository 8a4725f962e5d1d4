using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Model.Checkpoints;

/// <summary>
/// The sampling defaults of an HF <c>generation_config.json</c> (optional in a model folder). Only the fields the
/// sampler uses are read; others (transformers_version, ...) are ignored here and kept byte for byte by
/// <see cref="CheckpointWriter.Save"/>, which copies the file. A field of the wrong type or out of range is an error
/// naming the file and the field; a null field counts as absent.
/// </summary>
public sealed record GenerationConfig
{
    public const string FileName = "generation_config.json";

    /// <summary>One id or a list in the file; always a list here (empty when absent).</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];
    public int? BosTokenId { get; init; }
    public int? PadTokenId { get; init; }
    public double? Temperature { get; init; }
    public double? TopP { get; init; }

    /// <summary>0 disables top-k, as in transformers.</summary>
    public int? TopK { get; init; }
    public int? MaxNewTokens { get; init; }
    public bool? DoSample { get; init; }

    /// <summary>Reads <c>generation_config.json</c> from <paramref name="folder"/>; null when the folder has none.</summary>
    public static GenerationConfig? LoadOptional(string folder)
    {
        var path = Path.Combine(folder, FileName);
        return File.Exists(path) ? Load(path) : null;
    }

    /// <summary>Reads and checks <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">Not valid JSON, or a field of the wrong type or range; the message names file and field.</exception>
    public static GenerationConfig Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file", path);
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: expected a JSON object");
            return FromJson(json, path);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: invalid JSON: {e.Message}", e);
        }
    }

    /// <summary>Builds the record from parsed JSON; <paramref name="source"/> names it in errors.</summary>
    public static GenerationConfig FromJson(JsonObject json, string source)
    {
        var problems = new List<string>();
        var config = new GenerationConfig
        {
            EosTokenIds = IntList(json, "eos_token_id", problems),
            BosTokenId = Int(json, "bos_token_id", 0, problems),
            PadTokenId = Int(json, "pad_token_id", 0, problems),
            Temperature = Double(json, "temperature", problems),
            TopP = Double(json, "top_p", problems),
            TopK = Int(json, "top_k", 0, problems),
            MaxNewTokens = Int(json, "max_new_tokens", 1, problems),
            DoSample = json["do_sample"] switch
            {
                null => null,
                JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
                var other => Problem<bool>(problems, $"do_sample must be true or false, got {other.ToJsonString()}"),
            },
        };
        if (config.Temperature is < 0) problems.Add($"temperature must be ≥ 0, got {config.Temperature}");
        if (config.TopP is <= 0 or > 1) problems.Add($"top_p must be in (0, 1], got {config.TopP}");
        if (problems.Count > 0)
            throw new InvalidDataException($"{source}: not a usable generation config:" + string.Concat(problems.Select(p => Environment.NewLine + "  " + p)));
        return config;
    }

    private static int? Int(JsonObject json, string field, int minimum, List<string> problems)
    {
        var node = json[field];
        if (node is null) return null;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var value))
            return value >= minimum ? value : Problem<int>(problems, $"{field} must be ≥ {minimum}, got {value}");
        return Problem<int>(problems, $"{field} must be an integer, got {node.ToJsonString()}");
    }

    private static double? Double(JsonObject json, string field, List<string> problems)
    {
        var node = json[field];
        if (node is null) return null;
        return node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
            ? v.GetValue<double>()
            : Problem<double>(problems, $"{field} must be a number, got {node.ToJsonString()}");
    }

    private static IReadOnlyList<int> IntList(JsonObject json, string field, List<string> problems)
    {
        var node = json[field];
        if (node is JsonArray array)
        {
            var ids = array.Select(item => item is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var id) && id >= 0 ? id : -1).ToList();
            if (!ids.Contains(-1)) return ids;
        }
        else if (node is null) return [];
        else if (Int(json, field, 0, []) is { } single) return [single];
        problems.Add($"{field} must be a token id or a list of token ids, got {node.ToJsonString()}");
        return [];
    }

    private static T? Problem<T>(List<string> problems, string problem) where T : struct
    {
        problems.Add(problem);
        return null;
    }
}
