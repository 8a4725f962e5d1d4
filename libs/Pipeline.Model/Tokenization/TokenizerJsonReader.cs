// Reads an HF `tokenizer.json` (the format written by HF tokenizers' Tokenizer::save) for a byte-level
// BPE such as Qwen2/Qwen3's, and validates that it is the shape QwenTokenizer reproduces exactly:
//   normalizer     null | NFC | Sequence[NFC]
//   pre_tokenizer  Sequence[Split(Regex|String, Isolated), ByteLevel(use_regex=false)]   (Qwen2/3, Llama-3)
//                  | ByteLevel(use_regex=true)                                          (GPT-2 pattern)
//   model          BPE, merges as "a b" strings or ["a","b"] pairs, no dropout/byte_fallback/ignore_merges
//   decoder        ByteLevel | null
//   added_tokens   without lstrip/rstrip/single_word
// Anything else is a NotSupportedException naming the field; broken JSON or missing fields are
// InvalidDataException naming the file and the field. post_processor is ignored: Encode never adds
// BOS/EOS (HF's add_special_tokens=false), which is what Qwen's ByteLevel post-processor does anyway.
using System.Text.Json;

namespace Pipeline.Model.Tokenization;

/// <summary>The parts of tokenizer.json that QwenTokenizer uses.</summary>
internal sealed record TokenizerModel(
    Dictionary<string, int> Vocab,
    List<(string Left, string Right)> Merges,
    List<AddedToken> AddedTokens,
    string SplitPattern,
    bool Nfc,
    string? UnknownToken);

internal static class TokenizerJsonReader
{
    /// <summary>The GPT-2 split regex, used by ByteLevel(use_regex=true).</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    public static TokenizerModel Read(string path)
    {
        using var document = JsonFile.Parse(path);
        var file = new JsonFile(path);
        var model = file.RequiredObject(document.RootElement, "model");
        var type = file.OptionalString(model, "model.type") ?? "BPE";
        if (type != "BPE") throw file.Unsupported("model.type", $"'{type}' (only BPE)");
        foreach (var field in new[] { "byte_fallback", "ignore_merges" })
            if (file.OptionalBool(model, "model." + field) is true) throw file.Unsupported("model." + field, "true");
        if (model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() > 0)
            throw file.Unsupported("model.dropout", dropout.GetRawText());
        foreach (var affix in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
            if (!string.IsNullOrEmpty(file.OptionalString(model, "model." + affix))) throw file.Unsupported("model." + affix, "a non-empty value");
        if (document.RootElement.TryGetProperty("decoder", out var decoder) && decoder.ValueKind != JsonValueKind.Null
            && file.RequiredString(decoder, "decoder.type") != "ByteLevel")
            throw file.Unsupported("decoder", $"{decoder.GetRawText()} (only ByteLevel)");
        return new TokenizerModel(
            ReadVocab(file, model),
            ReadMerges(file, model),
            ReadAddedTokens(file, document.RootElement),
            ReadSplitPattern(file, document.RootElement),
            ReadNfc(file, document.RootElement),
            file.OptionalString(model, "model.unk_token"));
    }

    private static Dictionary<string, int> ReadVocab(JsonFile file, JsonElement model)
    {
        var vocab = file.RequiredObject(model, "model.vocab");
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocab.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out var id) || id < 0)
                throw file.Invalid($"model.vocab[\"{entry.Name}\"]", $"must be a non-negative integer id, got {entry.Value.GetRawText()}");
            result[entry.Name] = id;
        }
        return result;
    }

    private static List<(string Left, string Right)> ReadMerges(JsonFile file, JsonElement model)
    {
        var merges = file.RequiredArray(model, "model.merges");
        var result = new List<(string, string)>(merges.GetArrayLength());
        var index = 0;
        foreach (var merge in merges.EnumerateArray())
        {
            var field = $"model.merges[{index++}]";
            if (merge.ValueKind == JsonValueKind.String)
            {
                var parts = merge.GetString()!.Split(' ');
                if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
                    throw file.Invalid(field, $"must be \"left right\", got {merge.GetRawText()}");
                result.Add((parts[0], parts[1]));
            }
            else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
                     && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String)
            {
                var (left, right) = (merge[0].GetString()!, merge[1].GetString()!);
                if (left.Contains(' ') || right.Contains(' '))
                    throw file.Unsupported(field, "a merge of tokens containing a space (not byte-level)");
                result.Add((left, right));
            }
            else throw file.Invalid(field, $"must be a \"left right\" string or a [left, right] pair, got {merge.GetRawText()}");
        }
        return result;
    }

    private static List<AddedToken> ReadAddedTokens(JsonFile file, JsonElement root)
    {
        var result = new List<AddedToken>();
        if (!root.TryGetProperty("added_tokens", out var tokens) || tokens.ValueKind == JsonValueKind.Null) return result;
        if (tokens.ValueKind != JsonValueKind.Array) throw file.Invalid("added_tokens", "must be an array");
        var index = 0;
        foreach (var token in tokens.EnumerateArray())
        {
            var field = $"added_tokens[{index++}]";
            var id = file.RequiredInt(token, field + ".id");
            var content = file.RequiredString(token, field + ".content");
            foreach (var flag in new[] { "lstrip", "rstrip", "single_word" })
                if (file.OptionalBool(token, $"{field}.{flag}") is true) throw file.Unsupported($"{field}.{flag}", $"true (token '{content}')");
            result.Add(new AddedToken(id, content, file.OptionalBool(token, field + ".special") ?? false)
            {
                Normalized = file.OptionalBool(token, field + ".normalized") ?? false,
            });
        }
        return result;
    }

    private static bool ReadNfc(JsonFile file, JsonElement root)
    {
        if (!root.TryGetProperty("normalizer", out var normalizer) || normalizer.ValueKind == JsonValueKind.Null) return false;
        var type = file.RequiredString(normalizer, "normalizer.type");
        if (type == "NFC") return true;
        if (type == "Sequence")
        {
            var inner = file.RequiredArray(normalizer, "normalizer.normalizers").EnumerateArray().ToList();
            if (inner.Count == 0) return false;
            if (inner.Count == 1 && inner[0].TryGetProperty("type", out var t) && t.ValueEquals("NFC")) return true;
        }
        throw file.Unsupported("normalizer", $"{normalizer.GetRawText()} (only NFC)");
    }

    private static string ReadSplitPattern(JsonFile file, JsonElement root)
    {
        var pre = file.RequiredObject(root, "pre_tokenizer");
        var steps = file.RequiredString(pre, "pre_tokenizer.type") == "Sequence"
            ? file.RequiredArray(pre, "pre_tokenizer.pretokenizers").EnumerateArray().ToList()
            : [pre];
        if (steps.Count == 1 && IsByteLevel(file, steps[0], "pre_tokenizer", out var useRegex) && useRegex)
            return Gpt2Pattern;
        if (steps.Count == 2 && IsByteLevel(file, steps[1], "pre_tokenizer.pretokenizers[1]", out useRegex) && !useRegex
            && steps[0].TryGetProperty("type", out var type) && type.ValueEquals("Split"))
            return ReadSplit(file, steps[0], "pre_tokenizer.pretokenizers[0]");
        throw file.Unsupported("pre_tokenizer", "this shape (only Sequence[Split, ByteLevel(use_regex=false)] or ByteLevel(use_regex=true))");
    }

    private static string ReadSplit(JsonFile file, JsonElement split, string field)
    {
        var behavior = file.OptionalString(split, field + ".behavior") ?? "Isolated";
        if (behavior != "Isolated") throw file.Unsupported(field + ".behavior", $"'{behavior}' (only Isolated)");
        if (file.OptionalBool(split, field + ".invert") is true) throw file.Unsupported(field + ".invert", "true");
        var pattern = file.RequiredObject(split, field + ".pattern");
        if (pattern.TryGetProperty("Regex", out var regex) && regex.ValueKind == JsonValueKind.String) return regex.GetString()!;
        if (pattern.TryGetProperty("String", out var literal) && literal.ValueKind == JsonValueKind.String)
            return System.Text.RegularExpressions.Regex.Escape(literal.GetString()!);
        throw file.Invalid(field + ".pattern", "must have a \"Regex\" or \"String\" member");
    }

    private static bool IsByteLevel(JsonFile file, JsonElement step, string field, out bool useRegex)
    {
        useRegex = false;
        if (!step.TryGetProperty("type", out var type) || !type.ValueEquals("ByteLevel")) return false;
        if (file.OptionalBool(step, field + ".add_prefix_space") is true) throw file.Unsupported(field + ".add_prefix_space", "true");
        useRegex = file.OptionalBool(step, field + ".use_regex") ?? true;
        return true;
    }
}
