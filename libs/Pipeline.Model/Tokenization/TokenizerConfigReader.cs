// Reads the optional companions of tokenizer.json in an HF model folder:
// - tokenizer_config.json (transformers' PreTrainedTokenizer settings): eos_token, pad_token
//   (a string or an AddedToken object {"content": ...}), chat_template (a string, or the newer list of
//   {name, template} where "default" is used), added_tokens_decoder ({"151643": {content, special}}).
// - generation_config.json: eos_token_id (an int or a list), which Qwen3 instruct models use to stop
//   on both <|im_end|> and <|endoftext|>.
using System.Text.Json;

namespace Pipeline.Model.Tokenization;

/// <summary>The parts of tokenizer_config.json that QwenTokenizer uses.</summary>
internal sealed record TokenizerConfig(string? EosToken, string? PadToken, string? ChatTemplate, List<AddedToken> AddedTokensDecoder)
{
    public static readonly TokenizerConfig Empty = new(null, null, null, []);
}

internal static class TokenizerConfigReader
{
    public static TokenizerConfig Read(string path)
    {
        using var document = JsonFile.Parse(path);
        var file = new JsonFile(path);
        var root = document.RootElement;
        return new TokenizerConfig(
            ReadTokenString(file, root, "eos_token"),
            ReadTokenString(file, root, "pad_token"),
            ReadChatTemplate(file, root),
            ReadAddedTokensDecoder(file, root));
    }

    /// <summary>generation_config.json's eos_token_id as a list (empty when absent).</summary>
    public static List<int> ReadGenerationEosIds(string path)
    {
        using var document = JsonFile.Parse(path);
        var file = new JsonFile(path);
        if (file.Optional(document.RootElement, "eos_token_id") is not { } eos) return [];
        if (eos.ValueKind == JsonValueKind.Number) return [file.RequiredInt(document.RootElement, "eos_token_id")];
        if (eos.ValueKind != JsonValueKind.Array) throw file.Invalid("eos_token_id", $"must be an integer or a list of integers, got {eos.GetRawText()}");
        var ids = new List<int>();
        foreach (var item in eos.EnumerateArray())
            ids.Add(item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out var id) && id >= 0
                ? id
                : throw file.Invalid("eos_token_id", $"must hold non-negative integers, got {item.GetRawText()}"));
        return ids;
    }

    private static string? ReadTokenString(JsonFile file, JsonElement root, string field)
    {
        if (file.Optional(root, field) is not { } value) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object => file.RequiredString(value, field + ".content"),
            _ => throw file.Invalid(field, $"must be a string or an object with \"content\", got {value.GetRawText()}"),
        };
    }

    private static string? ReadChatTemplate(JsonFile file, JsonElement root)
    {
        if (file.Optional(root, "chat_template") is not { } value) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        if (value.ValueKind != JsonValueKind.Array) throw file.Invalid("chat_template", "must be a string or a list of {name, template}");
        foreach (var named in value.EnumerateArray())
            if (named.ValueKind == JsonValueKind.Object && named.TryGetProperty("name", out var name) && name.ValueEquals("default"))
                return file.RequiredString(named, "chat_template[default].template");
        return null;
    }

    private static List<AddedToken> ReadAddedTokensDecoder(JsonFile file, JsonElement root)
    {
        var result = new List<AddedToken>();
        if (file.Optional(root, "added_tokens_decoder") is not { } decoder) return result;
        if (decoder.ValueKind != JsonValueKind.Object) throw file.Invalid("added_tokens_decoder", "must be an object keyed by id");
        foreach (var entry in decoder.EnumerateObject())
        {
            var field = $"added_tokens_decoder[\"{entry.Name}\"]";
            if (!int.TryParse(entry.Name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
                throw file.Invalid(field, "must be keyed by a non-negative integer id");
            var content = file.RequiredString(entry.Value, field + ".content");
            result.Add(new AddedToken(id, content, file.OptionalBool(entry.Value, field + ".special") ?? false)
            {
                Normalized = file.OptionalBool(entry.Value, field + ".normalized") ?? false,
            });
        }
        return result;
    }
}
