// Writes small HF tokenizer folders (tokenizer.json + tokenizer_config.json) so tests and the synthetic
// task can make their own model folders. The files have the shape of Qwen3's (same normaliser,
// pre-tokenizer, decoder, field set), so QwenTokenizer, HF tokenizers (Rust) and transformers load them.
// ByteLevelBpe builds a vocabulary the way Qwen's starts — the 256 byte-level characters as ids 0..255
// in code-point order — plus one token per given word, reached by left-to-right merges
// ("abc": a+b → ab, ab+c → abc). A word becomes a single token only if the pre-tokenizer keeps it in
// one piece (Qwen's regex splits digits one by one) and earlier merges do not cut across it.
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Model.Tokenization;

/// <summary>What <see cref="TokenizerFiles.Write"/> puts in a tokenizer folder.</summary>
/// <param name="Vocab">BPE tokens in byte-level form ("Ġthe") → id.</param>
/// <param name="Merges">Merge rules, highest priority first; both halves and their concatenation must be in the vocab.</param>
public sealed record TokenizerFolderSpec(IReadOnlyDictionary<string, int> Vocab, IReadOnlyList<(string Left, string Right)> Merges)
{
    /// <summary>Tokens matched whole before BPE (ids may follow the vocab's or reuse none of them).</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; init; } = [];

    /// <summary>tokenizer_config.json eos_token (content of an added token or vocab token).</summary>
    public string? EosToken { get; init; }

    /// <summary>tokenizer_config.json pad_token.</summary>
    public string? PadToken { get; init; }

    /// <summary>tokenizer_config.json chat_template (Jinja); none by default — QwenTokenizer then uses the Qwen3 format.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>The Split pre-tokenizer regex; Qwen2/3's by default.</summary>
    public string SplitPattern { get; init; } = TokenizerFiles.QwenSplitPattern;

    /// <summary>Write merges as ["a","b"] pairs (HF tokenizers ≥ 0.20) instead of "a b" strings.</summary>
    public bool MergesAsPairs { get; init; }
}

/// <summary>Writes tokenizer folders that QwenTokenizer and HF tokenizers both load.</summary>
public static class TokenizerFiles
{
    /// <summary>Qwen2/Qwen3's pre-tokenizer regex (transformers' PRETOKENIZE_REGEX in tokenization_qwen2.py).</summary>
    public const string QwenSplitPattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Qwen's chat tokens with ids from <paramref name="firstId"/>: &lt;|endoftext|&gt;, &lt;|im_start|&gt;,
    /// &lt;|im_end|&gt; (special) then &lt;think&gt;, &lt;/think&gt; (not special), in Qwen's order.
    /// </summary>
    public static IReadOnlyList<AddedToken> QwenChatTokens(int firstId) =>
    [
        new(firstId, "<|endoftext|>"), new(firstId + 1, "<|im_start|>"), new(firstId + 2, "<|im_end|>"),
        new(firstId + 3, "<think>", Special: false), new(firstId + 4, "</think>", Special: false),
    ];

    /// <summary>
    /// A byte-level BPE: the 256 byte characters (ids 0..255), then each word of <paramref name="words"/>
    /// (plain text, e.g. " the", "boxed") and the prefixes needed to merge it left to right.
    /// </summary>
    public static TokenizerFolderSpec ByteLevelBpe(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in ByteLevel.Alphabet.Order()) vocab[c.ToString()] = vocab.Count;
        var merges = new List<(string Left, string Right)>();
        var known = new HashSet<(string, string)>();
        foreach (var word in words)
        {
            var symbols = ByteLevel.Encode(word);
            if (symbols.Length == 0) throw new ArgumentException("words must not be empty", nameof(words));
            var current = symbols[..1];
            foreach (var next in symbols[1..])
            {
                var merged = current + next;
                if (known.Add((current, next.ToString()))) merges.Add((current, next.ToString()));
                vocab.TryAdd(merged, vocab.Count);
                current = merged;
            }
        }
        return new TokenizerFolderSpec(vocab, merges);
    }

    /// <summary>
    /// <see cref="ByteLevelBpe"/> plus Qwen's chat tokens right after the vocabulary, eos_token &lt;|im_end|&gt;
    /// and pad_token &lt;|endoftext|&gt; — a small tokenizer that chats like Qwen3's.
    /// </summary>
    public static TokenizerFolderSpec QwenStyle(IEnumerable<string> words)
    {
        var spec = ByteLevelBpe(words);
        return spec with { AddedTokens = QwenChatTokens(spec.Vocab.Count), EosToken = "<|im_end|>", PadToken = "<|endoftext|>" };
    }

    /// <summary>Writes <c>tokenizer.json</c> and <c>tokenizer_config.json</c> into <paramref name="folder"/> (created if needed).</summary>
    public static void Write(string folder, TokenizerFolderSpec spec)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(spec);
        Validate(spec);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), TokenizerJson(spec).ToJsonString(Indented));
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), TokenizerConfigJson(spec).ToJsonString(Indented));
    }

    private static void Validate(TokenizerFolderSpec spec)
    {
        foreach (var (left, right) in spec.Merges)
            foreach (var token in new[] { left, right, left + right })
                if (!spec.Vocab.ContainsKey(token))
                    throw new ArgumentException($"merge ({left}, {right}): '{token}' is not in the vocab", nameof(spec));
        var ids = spec.Vocab.Values.ToHashSet();
        foreach (var token in spec.AddedTokens)
            if (spec.Vocab.TryGetValue(token.Content, out var id) ? id != token.Id : !ids.Add(token.Id))
                throw new ArgumentException($"added token '{token.Content}' id {token.Id} collides with another token", nameof(spec));
        foreach (var (field, token) in new[] { ("EosToken", spec.EosToken), ("PadToken", spec.PadToken) })
            if (token is not null && !spec.Vocab.ContainsKey(token) && spec.AddedTokens.All(t => t.Content != token))
                throw new ArgumentException($"{field} '{token}' is neither a vocab token nor an added token", nameof(spec));
    }

    private static JsonObject TokenizerJson(TokenizerFolderSpec spec)
    {
        var vocab = new JsonObject();
        foreach (var (token, id) in spec.Vocab.OrderBy(e => e.Value)) vocab[token] = id;
        var merges = new JsonArray();
        foreach (var (left, right) in spec.Merges)
            merges.Add(spec.MergesAsPairs ? new JsonArray(left, right) : JsonValue.Create(left + " " + right));
        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(spec.AddedTokens.OrderBy(t => t.Id).Select(t => (JsonNode)AddedTokenJson(t, withId: true)).ToArray()),
            ["normalizer"] = new JsonObject { ["type"] = "NFC" },
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject
                    {
                        ["type"] = "Split",
                        ["pattern"] = new JsonObject { ["Regex"] = spec.SplitPattern },
                        ["behavior"] = "Isolated",
                        ["invert"] = false,
                    },
                    ByteLevelJson()),
            },
            ["post_processor"] = ByteLevelJson(),
            ["decoder"] = ByteLevelJson(),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null,
                ["continuing_subword_prefix"] = "", ["end_of_word_suffix"] = "",
                ["fuse_unk"] = false, ["byte_fallback"] = false, ["ignore_merges"] = false,
                ["vocab"] = vocab,
                ["merges"] = merges,
            },
        };
    }

    private static JsonObject TokenizerConfigJson(TokenizerFolderSpec spec)
    {
        var decoder = new JsonObject();
        foreach (var token in spec.AddedTokens.OrderBy(t => t.Id))
            decoder[token.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = AddedTokenJson(token, withId: false);
        var config = new JsonObject
        {
            ["add_bos_token"] = false,
            ["add_prefix_space"] = false,
            ["added_tokens_decoder"] = decoder,
            ["bos_token"] = null,
            ["clean_up_tokenization_spaces"] = false,
            ["eos_token"] = spec.EosToken,
            ["errors"] = "replace",
            ["model_max_length"] = 131072,
            ["pad_token"] = spec.PadToken,
            ["split_special_tokens"] = false,
            ["tokenizer_class"] = "Qwen2Tokenizer",
            ["unk_token"] = null,
        };
        if (spec.ChatTemplate is not null) config["chat_template"] = spec.ChatTemplate;
        return config;
    }

    private static JsonObject AddedTokenJson(AddedToken token, bool withId)
    {
        var json = new JsonObject();
        if (withId) json["id"] = token.Id;
        json["content"] = token.Content;
        json["single_word"] = false;
        json["lstrip"] = false;
        json["rstrip"] = false;
        json["normalized"] = token.Normalized;
        json["special"] = token.Special;
        return json;
    }

    private static JsonObject ByteLevelJson() => new()
    {
        ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = false, ["use_regex"] = false,
    };
}
