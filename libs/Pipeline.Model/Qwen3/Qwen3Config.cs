using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Pipeline.Model.Qwen3;

/// <summary>
/// The fields of an HF <c>config.json</c> that a dense Qwen3 model needs (names as in transformers'
/// <c>Qwen3Config</c>). <see cref="Load"/> is strict: a missing required field, a wrong type, or a feature this
/// implementation does not have (MoE, sliding window, rope scaling, attention bias) is an error naming the file and
/// the field. Unknown fields are kept in <see cref="Extra"/> so a save writes them back unchanged.
/// </summary>
public sealed record Qwen3Config
{
    [JsonPropertyName("vocab_size")] public required int VocabSize { get; init; }
    [JsonPropertyName("hidden_size")] public required int HiddenSize { get; init; }
    [JsonPropertyName("intermediate_size")] public required int IntermediateSize { get; init; }
    [JsonPropertyName("num_hidden_layers")] public required int NumHiddenLayers { get; init; }
    [JsonPropertyName("num_attention_heads")] public required int NumAttentionHeads { get; init; }
    [JsonPropertyName("num_key_value_heads")] public required int NumKeyValueHeads { get; init; }

    /// <summary>Per-head dimension. Qwen3 sets it explicitly (128), and it is NOT hidden/heads for 0.6B, 4B, 32B.</summary>
    [JsonPropertyName("head_dim")] public required int HeadDim { get; init; }

    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 40960;
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; init; } = 1e-6;
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; init; } = 1_000_000;
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; init; }
    [JsonPropertyName("torch_dtype")] public string? TorchDtype { get; init; }
    [JsonPropertyName("bos_token_id")] public int? BosTokenId { get; init; }

    /// <summary>One id or a list in config.json; always a list here.</summary>
    [JsonPropertyName("eos_token_id")] public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    [JsonPropertyName("model_type")] public string ModelType { get; init; } = "qwen3";
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "silu";

    /// <summary>Every other field of config.json, written back unchanged on save.</summary>
    [JsonIgnore] public JsonObject Extra { get; init; } = [];

    /// <summary>Query heads per key/value head (GQA group size).</summary>
    [JsonIgnore] public int KvGroups => NumAttentionHeads / NumKeyValueHeads;

    /// <summary>Total number of parameters, counting tied embeddings once.</summary>
    [JsonIgnore]
    public long ParameterCount
    {
        get
        {
            long h = HiddenSize, d = HeadDim, embed = (long)VocabSize * h;
            var attention = h * NumAttentionHeads * d * 2 + h * NumKeyValueHeads * d * 2 + 2 * d;
            var mlp = 3 * h * IntermediateSize;
            var layer = attention + mlp + 2 * h;
            return embed + NumHiddenLayers * layer + h + (TieWordEmbeddings ? 0 : embed);
        }
    }

    private static readonly string[] Required =
        ["vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim"];

    /// <summary>Reads and checks <paramref name="path"/> (a config.json).</summary>
    /// <exception cref="InvalidDataException">The file is not a usable dense Qwen3 config; the message names file and field.</exception>
    public static Qwen3Config Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file", path);
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path}: expected a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: invalid JSON: {e.Message}", e);
        }
        return FromJson(json, path);
    }

    /// <summary>Builds a config from parsed JSON; <paramref name="source"/> names it in errors.</summary>
    public static Qwen3Config FromJson(JsonObject json, string source)
    {
        var problems = new List<string>();
        foreach (var field in Required.Where(f => json[f] is null)) problems.Add($"missing required field '{field}'");
        CheckUnsupported(json, problems);
        if (problems.Count > 0) throw Invalid(source, problems);

        try
        {
            var normalised = (JsonObject)json.DeepClone();
            NormaliseEos(normalised, source);
            var config = normalised.Deserialize<Qwen3Config>()!;
            var known = typeof(Qwen3Config).GetProperties()
                .Select(p => p.GetCustomAttributes(typeof(JsonPropertyNameAttribute), false).OfType<JsonPropertyNameAttribute>().FirstOrDefault()?.Name)
                .Where(n => n is not null).ToHashSet();
            var extra = new JsonObject();
            foreach (var (key, value) in json.Where(kv => !known.Contains(kv.Key))) extra[key] = value?.DeepClone();
            config = config with { Extra = extra };
            config.CheckShapes(problems);
            return problems.Count == 0 ? config : throw Invalid(source, problems);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
    }

    /// <summary>eos_token_id may be one id, a list, or null; the record always holds a list.</summary>
    private static void NormaliseEos(JsonObject json, string source)
    {
        switch (json["eos_token_id"])
        {
            case null:
                json.Remove("eos_token_id");
                break;
            case JsonValue single when single.GetValueKind() == JsonValueKind.Number && single.TryGetValue<int>(out var id):
                json["eos_token_id"] = new JsonArray(id);
                break;
            case JsonArray:
                break;
            case var other:
                throw Invalid(source, [$"eos_token_id must be a token id or a list of token ids, got {other.ToJsonString()}"]);
        }
    }

    /// <summary>The config as config.json text (known fields plus <see cref="Extra"/>).</summary>
    public string ToJson()
    {
        var json = JsonSerializer.SerializeToNode(this, WriteOptions)!.AsObject();
        if (EosTokenIds.Count == 0) json.Remove("eos_token_id");
        else json["eos_token_id"] = EosTokenIds.Count == 1 ? EosTokenIds[0] : new JsonArray([.. EosTokenIds.Select(i => (JsonNode?)i)]);
        foreach (var (key, value) in Extra) json[key] = value?.DeepClone();
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Unset optional fields (torch_dtype, bos_token_id) are left out rather than written as null.</summary>
    private static readonly JsonSerializerOptions WriteOptions = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private static void CheckUnsupported(JsonObject json, List<string> problems)
    {
        var type = StringField(json, "model_type", problems);
        if (type is not null and not "qwen3")
            problems.Add($"model_type '{type}' is not supported; expected 'qwen3' (dense Qwen3; MoE models are not implemented)");
        if (json["rope_scaling"] is JsonObject)
            problems.Add("rope_scaling is set, but RoPE scaling (YaRN, linear, dynamic) is not implemented; remove it to use plain RoPE");
        if (json["use_sliding_window"] is JsonValue v && v.TryGetValue<bool>(out var sliding) && sliding)
            problems.Add("use_sliding_window is true, but sliding-window attention is not implemented");
        if (json["attention_bias"] is JsonValue b && b.TryGetValue<bool>(out var bias) && bias)
            problems.Add("attention_bias is true, but Qwen3 attention has no biases in this implementation");
        if (StringField(json, "hidden_act", problems) is { } act && act != "silu")
            problems.Add($"hidden_act '{act}' is not supported; expected 'silu'");
    }

    private static string? StringField(JsonObject json, string field, List<string> problems)
    {
        if (json[field] is null) return null;
        if (json[field] is JsonValue v && v.TryGetValue<string>(out var text)) return text;
        problems.Add($"{field} must be a string, got {json[field]!.ToJsonString()}");
        return null;
    }

    private void CheckShapes(List<string> problems)
    {
        foreach (var (name, value) in new[] {
            ("vocab_size", VocabSize), ("hidden_size", HiddenSize), ("intermediate_size", IntermediateSize),
            ("num_hidden_layers", NumHiddenLayers), ("num_attention_heads", NumAttentionHeads),
            ("num_key_value_heads", NumKeyValueHeads), ("head_dim", HeadDim) })
        {
            if (value < 1) problems.Add($"{name} must be ≥ 1, got {value}");
        }
        if (NumKeyValueHeads >= 1 && NumAttentionHeads % NumKeyValueHeads != 0)
            problems.Add($"num_attention_heads ({NumAttentionHeads}) must be a multiple of num_key_value_heads ({NumKeyValueHeads})");
        if (HeadDim % 2 != 0) problems.Add($"head_dim must be even for rotary embeddings, got {HeadDim}");
        if (RmsNormEps <= 0) problems.Add($"rms_norm_eps must be > 0, got {RmsNormEps}");
        if (RopeTheta <= 0) problems.Add($"rope_theta must be > 0, got {RopeTheta}");
    }

    private static InvalidDataException Invalid(string source, List<string> problems) =>
        new($"{source}: not a usable Qwen3 config:{Environment.NewLine}" + string.Join(Environment.NewLine, problems.Select(p => "  " + p)));
}
