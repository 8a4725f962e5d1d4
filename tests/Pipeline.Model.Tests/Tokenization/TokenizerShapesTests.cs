// The other tokenizer.json shapes the reader accepts, each checked against the HF Rust tokenizers:
// the GPT-2 ByteLevel(use_regex=true) pre-tokenizer, no normaliser, `normalized: true` added tokens;
// and generation_config.json's eos_token_id joining tokenizer_config's eos_token.
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Model.Tokenization;

namespace Pipeline.Model.Tests.Tokenization;

public sealed class TokenizerShapesTests : IDisposable
{
    private static readonly string[] Words = [" the", "ing", " 12", "12", "é", " é", "'s"];

    private readonly string _folder = TokenizerTestData.NewTempFolder("tokenizer-shapes");

    private string TokenizerJson => Path.Combine(_folder, "tokenizer.json");

    [Fact]
    public void Encode_Gpt2ByteLevelPreTokenizer_MatchesHf()
    {
        TokenizerFiles.Write(_folder, TokenizerFiles.QwenStyle(Words));
        EditTokenizerJson(root => root["pre_tokenizer"] = new JsonObject
        {
            ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true,
        });

        AssertParityWithHf(OracleStrings.Generate(count: 200, seed: 5).Append("it's 123 the singing"));
    }

    [Fact]
    public void Encode_NoNormalizer_KeepsDecomposedText()
    {
        TokenizerFiles.Write(_folder, TokenizerFiles.QwenStyle(Words));
        EditTokenizerJson(root => root["normalizer"] = null);

        var tokenizer = AssertParityWithHf(OracleStrings.Generate(count: 100, seed: 6).Append("caf" + "e\u0301"));

        Assert.Equal("e\u0301", tokenizer.Decode(tokenizer.Encode("e\u0301")));
    }

    [Fact]
    public void Encode_NormalizedAddedToken_MatchesAfterNfcLikeHf()
    {
        var spec = TokenizerFiles.QwenStyle(Words);
        var next = spec.Vocab.Count + spec.AddedTokens.Count;
        TokenizerFiles.Write(_folder, spec with
        {
            AddedTokens = [.. spec.AddedTokens, new AddedToken(next, "\u00C5x", Special: false) { Normalized = true }],
        });

        var tokenizer = AssertParityWithHf(["A\u030Ax", "\u212Bx", "\u00C5x<|im_end|>A\u030Ax", "A\u030A x"]);

        Assert.Equal([next], tokenizer.Encode("A\u030Ax"));
    }

    [Theory]
    [InlineData("[256, 258]", new[] { 258, 256 })] // <|endoftext|> 256, <|im_end|> 258 (the config's eos)
    [InlineData("258", new[] { 258 })]
    [InlineData("null", new[] { 258 })]
    public void FromFolder_GenerationConfigEos_JoinsConfigEos(string eosTokenId, int[] expected)
    {
        TokenizerFiles.Write(_folder, TokenizerFiles.QwenStyle([]));
        File.WriteAllText(Path.Combine(_folder, "generation_config.json"), $$"""{"eos_token_id": {{eosTokenId}}}""");

        var tokenizer = QwenTokenizer.FromFolder(_folder);

        Assert.Equal(expected, tokenizer.EosTokenIds);
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { /* best effort */ }
    }

    private QwenTokenizer AssertParityWithHf(IEnumerable<string> texts)
    {
        var tokenizer = QwenTokenizer.FromFolder(_folder);
        using var oracle = new Tokenizers.DotNet.Tokenizer(TokenizerJson);
        var failures = texts
            .Where(t => !tokenizer.Encode(t).SequenceEqual(oracle.Encode(t).Select(id => (int)id)))
            .Select(t => JsonSerializer.Serialize(t))
            .ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} differ:\n{string.Join("\n", failures.Take(10))}");
        return tokenizer;
    }

    private void EditTokenizerJson(Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(File.ReadAllText(TokenizerJson))!.AsObject();
        edit(root);
        File.WriteAllText(TokenizerJson, root.ToJsonString());
    }
}
