// transformers' own Qwen2 tokenizer tests on a 270-token toy vocabulary with 10 merges
// (../shared/data/qwen_tokenizer/tiny_fixture/cases.jsonl): tokenize, round trip, '#' merges, NFC, decode.
// The folder is written with TokenizerFiles from the fixture's vocab.json and merges.txt, with
// <|endoftext|> = 270 and <|im_start|> = 271 as special added tokens (the cases' setup).
using System.Text.Json;
using Pipeline.Model.Tokenization;

namespace Pipeline.Model.Tests.Tokenization;

public sealed class TinyFixtureTests : IDisposable
{
    private readonly string _folder = TokenizerTestData.NewTempFolder("tiny-tokenizer");
    private readonly QwenTokenizer _tokenizer;
    private readonly List<JsonElement> _cases;

    public TinyFixtureTests()
    {
        var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(TokenizerTestData.SharedData("qwen_tokenizer/tiny_fixture/vocab.json")))!;
        var merges = File.ReadLines(TokenizerTestData.SharedData("qwen_tokenizer/tiny_fixture/merges.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith("#version", StringComparison.Ordinal))
            .Select(l => l.Split(' '))
            .Select(p => (p[0], p[1]))
            .ToList();
        TokenizerFiles.Write(_folder, new TokenizerFolderSpec(vocab, merges)
        {
            AddedTokens = [new AddedToken(270, "<|endoftext|>"), new AddedToken(271, "<|im_start|>")],
            EosToken = "<|endoftext|>",
        });
        _tokenizer = QwenTokenizer.FromFolder(_folder);
        _cases = TokenizerTestData.ReadJsonLines(TokenizerTestData.SharedData("qwen_tokenizer/tiny_fixture/cases.jsonl")).ToList();
    }

    [Fact]
    public void Encode_TokenizeCase_MatchesExpectedTokensAndIds()
    {
        var c = Case("tokenize", "expected_tokens");

        var ids = _tokenizer.Encode(c.GetProperty("input").GetString()!);

        Assert.Equal(TokenizerTestData.Ints(c.GetProperty("expected_ids")), ids);
        Assert.Equal(c.GetProperty("expected_tokens").EnumerateArray().Select(e => e.GetString()), ids.Select(_tokenizer.IdToToken));
    }

    [Fact]
    public void Encode_NumberSignCase_MergesHashes()
    {
        var c = Case("tokenize", "test_slow_tokenizer_token_with_number_sign");

        Assert.Equal(TokenizerTestData.Ints(c.GetProperty("expected_ids")), _tokenizer.Encode(c.GetProperty("input").GetString()!));
    }

    [Fact]
    public void DecodeEncode_RoundtripCase_GivesNfcText()
    {
        var c = Case("roundtrip", null);

        var decoded = _tokenizer.Decode(_tokenizer.Encode(c.GetProperty("input").GetString()!));

        Assert.Equal(c.GetProperty("expected_decoded").GetString(), decoded);
    }

    [Fact]
    public void DecodeEncode_NfcCase_GivesComposedText()
    {
        var c = Case("nfc", null);

        var decoded = _tokenizer.Decode(_tokenizer.Encode(c.GetProperty("input").GetString()!));

        Assert.Equal(c.GetProperty("expected").GetString(), decoded);
    }

    [Fact]
    public void Decode_DecodeCase_KeepsSpecialTokensWithoutSpaces()
    {
        var c = Case("decode", null);

        var decoded = _tokenizer.Decode(TokenizerTestData.Ints(c.GetProperty("ids")));

        Assert.Equal(c.GetProperty("expected").GetString(), decoded);
        Assert.Equal(" lower;", _tokenizer.Decode(TokenizerTestData.Ints(c.GetProperty("ids")), skipSpecialTokens: true));
    }

    [Fact]
    public void FromFolder_TinyConfig_EosIsEndOfText()
    {
        Assert.Equal([270], _tokenizer.EosTokenIds);
        Assert.Equal(272, _tokenizer.VocabSize);
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { /* best effort */ }
    }

    /// <summary>The case of a kind; with several, the one whose test or field name is <paramref name="marker"/>.</summary>
    private JsonElement Case(string kind, string? marker)
    {
        var ofKind = _cases.Where(c => c.GetProperty("kind").GetString() == kind).ToList();
        if (marker is null) return Assert.Single(ofKind);
        return Assert.Single(ofKind, c => c.TryGetProperty(marker, out _) || (c.TryGetProperty("test", out var t) && t.GetString() == marker));
    }
}
