// The Qwen2/Qwen3 tokenizer (HF `Qwen2TokenizerFast`, i.e. HF tokenizers loading tokenizer.json),
// reproducing its ids exactly. Encoding, as HF's Tokenizer::encode(text, add_special_tokens=false):
//   1. split the raw text on added tokens (leftmost-longest; <|im_start|> etc. become one id each),
//   2. NFC-normalise each remaining segment (managed Nfc: the repo runs with invariant globalization),
//      then split it again on any `normalized: true` added tokens,
//   3. byte-level BPE on the segment with Microsoft.ML.Tokenizers' BpeTokenizer, configured as
//      BpeOptions { Vocabulary, Merges, ByteLevel = true, PreTokenizer = CodePointRegexPreTokenizer
//      (the Split regex, matched per code point), Normalizer = null, SpecialTokens = null } —
//      normalisation and added tokens are done here because HF does them around the pre-tokenizer.
// Decoding mirrors HF's decode + ByteLevel decoder by hand (ByteLevel.cs): unknown ids are skipped,
// special tokens kept unless skipSpecialTokens, invalid UTF-8 becomes U+FFFD. Every token's bytes are
// precomputed at load, so Decode is one pass over a flat byte table.
// Thread-safe after construction (BpeTokenizer and Regex are safe for concurrent use).
using System.Buffers;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Pipeline.Model.Tokenization;

/// <summary>Byte-level BPE tokenizer for Qwen2/Qwen3 HF folders, id-exact with HF tokenizers.</summary>
public sealed class QwenTokenizer
{
    private readonly BpeTokenizer _bpe;
    private readonly bool _nfc;
    private readonly AddedTokenMatcher _rawAddedTokens;
    private readonly AddedTokenMatcher _normalizedAddedTokens;
    private readonly Dictionary<string, int> _vocab;
    private readonly Dictionary<string, AddedToken> _addedByContent;
    private readonly string?[] _tokens;          // id → token string (BPE form or added-token content)
    private readonly bool[] _special;            // id → dropped by skipSpecialTokens
    private readonly byte[] _tokenBytes;         // all tokens' bytes, back to back
    private readonly int[] _tokenByteStart;      // id → start in _tokenBytes; id + 1 → end
    private readonly string? _chatTemplate;

    // tokenizerJson names errors in the model; configSource (tokenizer_config.json, or tokenizer.json
    // when there is none) names errors in the config.
    private QwenTokenizer(TokenizerModel model, TokenizerConfig config, IReadOnlyList<int> extraEosIds, string tokenizerJson, string configSource)
    {
        var added = MergeAddedTokens(model.AddedTokens, config.AddedTokensDecoder, tokenizerJson, configSource);
        _vocab = model.Vocab;
        _nfc = model.Nfc;
        _addedByContent = added.GroupBy(t => t.Content).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        _rawAddedTokens = new AddedTokenMatcher(added.Where(t => !t.Normalized));
        _normalizedAddedTokens = new AddedTokenMatcher(added.Where(t => t.Normalized));
        AddedTokens = added;
        _bpe = CreateBpe(model, tokenizerJson);

        VocabSize = Math.Max(model.Vocab.Count == 0 ? 0 : model.Vocab.Values.Max() + 1, added.Count == 0 ? 0 : added.Max(t => t.Id) + 1);
        _tokens = new string?[VocabSize];
        _special = new bool[VocabSize];
        foreach (var (token, id) in model.Vocab) _tokens[id] = token;
        foreach (var token in added) { _tokens[token.Id] = token.Content; _special[token.Id] = token.Special; }
        (_tokenBytes, _tokenByteStart) = BuildByteTable(_tokens);

        EosTokenIds = ResolveEos(config.EosToken, extraEosIds, configSource);
        PadTokenId = config.PadToken is null ? null : TokenToId(config.PadToken) ?? throw MissingToken("pad_token", config.PadToken, configSource);
        _chatTemplate = config.ChatTemplate;
    }

    /// <summary>Highest id + 1 over the BPE vocabulary and the added tokens.</summary>
    public int VocabSize { get; }

    /// <summary>Ids that end generation: tokenizer_config's eos_token, then generation_config's eos_token_id.</summary>
    public IReadOnlyList<int> EosTokenIds { get; }

    /// <summary>tokenizer_config's pad_token, when it has one.</summary>
    public int? PadTokenId { get; }

    /// <summary>The added tokens (tokenizer.json, plus any only in tokenizer_config's added_tokens_decoder), by id.</summary>
    public IReadOnlyList<AddedToken> AddedTokens { get; }

    /// <summary>Loads <c>tokenizer.json</c>, and <c>tokenizer_config.json</c> / <c>generation_config.json</c> when present.</summary>
    public static QwenTokenizer FromFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"tokenizer folder not found: {folder}");
        var tokenizerJson = Path.Combine(folder, "tokenizer.json");
        var config = Path.Combine(folder, "tokenizer_config.json");
        var generation = Path.Combine(folder, "generation_config.json");
        var extraEos = File.Exists(generation) ? TokenizerConfigReader.ReadGenerationEosIds(generation) : [];
        return Load(tokenizerJson, File.Exists(config) ? config : null, extraEos);
    }

    /// <summary>Loads a tokenizer.json and, optionally, a tokenizer_config.json.</summary>
    public static QwenTokenizer FromFiles(string tokenizerJsonPath, string? tokenizerConfigPath) =>
        Load(tokenizerJsonPath, tokenizerConfigPath, []);

    private static QwenTokenizer Load(string tokenizerJson, string? tokenizerConfig, IReadOnlyList<int> extraEosIds)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenizerJson);
        var model = TokenizerJsonReader.Read(tokenizerJson);
        var config = tokenizerConfig is null ? TokenizerConfig.Empty : TokenizerConfigReader.Read(tokenizerConfig);
        return new QwenTokenizer(model, config, extraEosIds, tokenizerJson, tokenizerConfig ?? tokenizerJson);
    }

    /// <summary>Token ids of <paramref name="text"/>; added/special tokens written in the text become their ids.</summary>
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var first = _rawAddedTokens.FindNext(text, 0, out var token);
        if (first < 0 && _normalizedAddedTokens.IsEmpty && (!_nfc || Nfc.IsQuickStable(text))) return _bpe.EncodeToIds(text);
        var ids = new List<int>();
        var position = 0;
        for (var at = first; at >= 0; at = _rawAddedTokens.FindNext(text, position, out token))
        {
            EncodeSegment(text[position..at], ids);
            ids.Add(token!.Id);
            position = at + token.Content.Length;
        }
        EncodeSegment(text[position..], ids);
        return ids;
    }

    /// <summary>Steps 2–3 for text between raw-matched added tokens.</summary>
    private void EncodeSegment(string segment, List<int> ids)
    {
        if (segment.Length == 0) return;
        var normalized = _nfc ? Nfc.Normalize(segment) : segment;
        var position = 0;
        for (var at = _normalizedAddedTokens.FindNext(normalized, 0, out var token); at >= 0;
             at = _normalizedAddedTokens.FindNext(normalized, position, out token))
        {
            if (at > position) ids.AddRange(_bpe.EncodeToIds(normalized.AsSpan(position, at - position)));
            ids.Add(token!.Id);
            position = at + token.Content.Length;
        }
        if (position < normalized.Length) ids.AddRange(_bpe.EncodeToIds(normalized.AsSpan(position)));
    }

    /// <summary>Text of <paramref name="ids"/>; unknown ids are skipped (as HF does), special tokens kept unless asked.</summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var buffer = new ArrayBufferWriter<byte>(256);
        foreach (var id in ids)
        {
            if ((uint)id >= (uint)VocabSize || _tokens[id] is null || (skipSpecialTokens && _special[id])) continue;
            var start = _tokenByteStart[id];
            buffer.Write(_tokenBytes.AsSpan(start, _tokenByteStart[id + 1] - start));
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Id of a token string (an added token's content, or a BPE token in byte-level form such as "Ġhello").</summary>
    public int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_addedByContent.TryGetValue(token, out var added)) return added.Id;
        return _vocab.TryGetValue(token, out var id) ? id : null;
    }

    /// <summary>The token string of an id (byte-level form for BPE tokens), or null when the id is unused.</summary>
    public string? IdToToken(int id) => (uint)id < (uint)VocabSize ? _tokens[id] : null;

    /// <summary>
    /// The Qwen3 chat prompt for <paramref name="messages"/> (see QwenChatTemplate for the supported subset).
    /// Throws NotSupportedException when tokenizer_config.json carries a template that is not Qwen3's.
    /// </summary>
    public string ApplyChatTemplate(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true, bool enableThinking = true)
    {
        if (!QwenChatTemplate.IsCompatible(_chatTemplate))
            throw new NotSupportedException("tokenizer_config.json chat_template is not the Qwen3 ChatML template with <think>; only that format is implemented");
        return QwenChatTemplate.Format(messages, addGenerationPrompt, enableThinking);
    }

    private static BpeTokenizer CreateBpe(TokenizerModel model, string source)
    {
        try
        {
            return BpeTokenizer.Create(new BpeOptions(model.Vocab)
            {
                Merges = model.Merges.Select(m => m.Left + " " + m.Right),
                ByteLevel = true,
                PreTokenizer = new CodePointRegexPreTokenizer(model.SplitPattern),
                UnknownToken = model.UnknownToken,
            });
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{source}: the BPE model (model.vocab / model.merges / pre_tokenizer) could not be built: {e.Message}", e);
        }
    }

    private static List<AddedToken> MergeAddedTokens(List<AddedToken> fromTokenizer, List<AddedToken> fromConfig, string tokenizerJson, string configSource)
    {
        var byId = new Dictionary<int, AddedToken>();
        foreach (var token in fromTokenizer)
            if (!byId.TryAdd(token.Id, token))
                throw new InvalidDataException($"{tokenizerJson}: added_tokens has id {token.Id} twice ('{byId[token.Id].Content}', '{token.Content}')");
        foreach (var token in fromConfig)
        {
            if (!byId.TryGetValue(token.Id, out var existing)) byId[token.Id] = token;
            else if (existing.Content != token.Content)
                throw new InvalidDataException($"{configSource}: added_tokens_decoder[\"{token.Id}\"] is '{token.Content}' but tokenizer.json has '{existing.Content}'");
        }
        return byId.Values.OrderBy(t => t.Id).ToList();
    }

    private static (byte[] Bytes, int[] Start) BuildByteTable(string?[] tokens)
    {
        var start = new int[tokens.Length + 1];
        var all = new List<byte>(tokens.Length * 8);
        for (var id = 0; id < tokens.Length; id++)
        {
            start[id] = all.Count;
            if (tokens[id] is { } token) all.AddRange(ByteLevel.TokenBytes(token));
        }
        start[tokens.Length] = all.Count;
        return (all.ToArray(), start);
    }

    private List<int> ResolveEos(string? eosToken, IReadOnlyList<int> extraEosIds, string source)
    {
        var ids = new List<int>();
        if (eosToken is not null) ids.Add(TokenToId(eosToken) ?? throw MissingToken("eos_token", eosToken, source));
        foreach (var id in extraEosIds)
            if (!ids.Contains(id)) ids.Add(id);
        return ids;
    }

    private static InvalidDataException MissingToken(string field, string token, string source) =>
        new($"{source}: {field} '{token}' is not in the vocabulary or the added tokens");
}
