// The real Qwen3 vocabulary: the expected ids of ../shared/data/qwen_tokenizer/tokenizer_cases.jsonl
// (from llama.cpp and transformers), special-token ids, decoding and the folder's config fields.
using System.Text.Json;
using Pipeline.Model.Tokenization;

namespace Pipeline.Model.Tests.Tokenization;

[Collection(QwenTokenizerCollection.Name)]
public class QwenTokenizerTests(QwenTokenizerFixture fixture)
{
    private readonly QwenTokenizer _tokenizer = fixture.Tokenizer;

    [Fact]
    public void Encode_SharedCases_MatchExpectedIdsAndDecodeBack()
    {
        var cases = TokenizerTestData.ReadJsonLines(TokenizerTestData.SharedData("qwen_tokenizer/tokenizer_cases.jsonl")).ToList();

        var failures = new List<string>();
        foreach (var c in cases)
        {
            var text = c.GetProperty("text").GetString()!;
            var expected = TokenizerTestData.Ints(c.GetProperty("ids"));
            var actual = _tokenizer.Encode(text);
            if (!actual.SequenceEqual(expected))
                failures.Add($"{JsonSerializer.Serialize(text)}: expected [{string.Join(",", expected)}] got [{string.Join(",", actual)}]");
            if (_tokenizer.Decode(expected) != text) failures.Add($"{JsonSerializer.Serialize(text)}: decode differs");
        }

        Assert.Equal(49, cases.Count);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void TokenToId_SpecialTokensFile_MatchesEveryKeyToken()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(TokenizerTestData.SharedData("qwen_tokenizer/special_tokens.json")));

        var keyTokens = doc.RootElement.GetProperty("key_tokens").EnumerateObject().ToList();

        Assert.NotEmpty(keyTokens);
        Assert.All(keyTokens, t => Assert.Equal(t.Value.GetInt32(), _tokenizer.TokenToId(t.Name)));
        Assert.All(keyTokens, t => Assert.Equal(t.Name, _tokenizer.IdToToken(t.Value.GetInt32())));
    }

    [Fact]
    public void Encode_ChatTurnWithSpecialTokens_EachSpecialTokenIsOneId()
    {
        const string text = "<|im_start|>user\nhi<|im_end|>";

        var ids = _tokenizer.Encode(text);

        Assert.Equal([151644, 872, 198, 6023, 151645], ids);
        Assert.Equal(text, _tokenizer.Decode(ids));
        Assert.Equal("user\nhi", _tokenizer.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void Decode_SkipSpecialTokens_KeepsNonSpecialThinkTags()
    {
        var ids = _tokenizer.Encode("<|im_start|>assistant\n<think>\n\n</think>\n\n42<|im_end|><|endoftext|>");

        Assert.Equal([151644, 77091, 198, 151667, 271, 151668, 271, 19, 17, 151645, 151643], ids);
        Assert.Equal("assistant\n<think>\n\n</think>\n\n42", _tokenizer.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void Encode_AddedTokenInsideWord_SplitsAroundIt()
    {
        var ids = _tokenizer.Encode("a<|im_end|>b<think>c");

        Assert.Equal([64, 151645, 65, 151667, 66], ids);
    }

    [Fact]
    public void Decode_UnknownAndOutOfRangeIds_AreSkippedLikeHf()
    {
        var text = _tokenizer.Decode([9707, -1, 151669, 151935, 1879]);

        Assert.Equal("Hello world", text);
    }

    [Fact]
    public void Decode_PartialUtf8_BecomesReplacementCharacter()
    {
        var digit = _tokenizer.Encode("\U0001D7CE"); // 𝟎: F0 9D 9F 8E in three byte-level tokens

        var text = _tokenizer.Decode(digit.Take(2).Append(64));

        Assert.Equal([56252, 253, 236], digit);
        Assert.Equal("\uFFFDa", text);
    }

    [Fact]
    public void FromFolder_QwenConfig_ReadsSizesEosAndPad()
    {
        Assert.Equal(151669, _tokenizer.VocabSize);
        Assert.Equal([151645], _tokenizer.EosTokenIds);
        Assert.Equal(151643, _tokenizer.PadTokenId);
        Assert.Equal(26, _tokenizer.AddedTokens.Count);
        Assert.Equal("Ġhello", _tokenizer.IdToToken(_tokenizer.TokenToId("Ġhello")!.Value));
        Assert.Null(_tokenizer.TokenToId("not a token"));
        Assert.Null(_tokenizer.IdToToken(151700));
    }

    [Fact]
    public void Encode_NonNfcInput_IsNormalisedFirst()
    {
        var decomposed = _tokenizer.Encode("caf" + "e\u0301");

        Assert.Equal(_tokenizer.Encode("café"), decomposed);
    }

    [Fact]
    public void Encode_CombiningMarkAfterAddedToken_TokenIsMatchedBeforeNfc()
    {
        // NFC of the whole text would turn "<think>" + U+0338 into "<think≯"; HF cuts the token out first.
        var ids = _tokenizer.Encode("<think>\u0338");

        Assert.Equal(151667, ids[0]);
        Assert.Equal(fixture.OracleEncode("<think>\u0338"), ids);
        Assert.Equal("<think>\u0338", _tokenizer.Decode(ids));
    }

    [Fact]
    public void Encode_AstralDigitAfterSpace_SplitsLikeHf()
    {
        // " 𝟎": HF's regex sees the code point as \p{N}; UTF-16 regexes would glue it to the space.
        var ids = _tokenizer.Encode(" \U0001D7CE");

        Assert.Equal([220, 56252, 253, 236], ids);
    }
}
