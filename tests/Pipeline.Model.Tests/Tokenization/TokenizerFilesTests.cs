// TokenizerFiles writes folders that both QwenTokenizer and the HF Rust tokenizers load, with identical
// ids on varied text, in both merge formats; ByteLevelBpe makes whole-word tokens; QwenStyle chats.
using System.Text.Json;
using Pipeline.Model.Tokenization;

namespace Pipeline.Model.Tests.Tokenization;

public sealed class TokenizerFilesTests : IDisposable
{
    // Pieces of Qwen's pre-tokenizer: " \\boxed{}" splits as " \\" + "boxed" + "{}", so those are the words.
    private static readonly string[] Words = ["Hello", " world", " the", " answer", " is", " \\", "boxed", "{}", " Let", " me", " think", "ing", "\n\n"];

    private readonly string _folder = TokenizerTestData.NewTempFolder("tokenizer-files");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Write_QwenStyleFolder_HfTokenizersGiveSameIds(bool mergesAsPairs)
    {
        TokenizerFiles.Write(_folder, TokenizerFiles.QwenStyle(Words) with { MergesAsPairs = mergesAsPairs });
        var tokenizer = QwenTokenizer.FromFolder(_folder);
        using var oracle = new Tokenizers.DotNet.Tokenizer(Path.Combine(_folder, "tokenizer.json"));
        var texts = OracleStrings.Generate(count: 200, seed: 11).Concat(["Hello world, the answer is \\boxed{42}.\n\nLet me think"]);

        var failures = texts
            .Where(t => !tokenizer.Encode(t).SequenceEqual(oracle.Encode(t).Select(id => (int)id)))
            .Select(t => JsonSerializer.Serialize(t))
            .ToList();

        Assert.True(failures.Count == 0, $"{failures.Count} differ:\n{string.Join("\n", failures.Take(10))}");
    }

    [Fact]
    public void ByteLevelBpe_Words_BecomeSingleTokens()
    {
        TokenizerFiles.Write(_folder, TokenizerFiles.ByteLevelBpe(Words));
        var tokenizer = QwenTokenizer.FromFolder(_folder);

        var ids = tokenizer.Encode("Hello world the answer is \\boxed{} Let me thinking");

        Assert.Equal(
            ["Hello", "Ġworld", "Ġthe", "Ġanswer", "Ġis", "Ġ\\", "boxed", "{}", "ĠLet", "Ġme", "Ġthink", "ing"],
            ids.Select(tokenizer.IdToToken));
    }

    [Fact]
    public void ByteLevelBpe_NoWords_IsTheByteAlphabetInQwenOrder()
    {
        var spec = TokenizerFiles.ByteLevelBpe([]);

        Assert.Equal(256, spec.Vocab.Count);
        Assert.Equal(0, spec.Vocab["!"]);
        Assert.Equal(220, spec.Vocab["Ġ"]);
        Assert.Equal(198, spec.Vocab["Ċ"]);
        Assert.Empty(spec.Merges);
    }

    [Fact]
    public void QwenStyle_Folder_HasChatTokensEosAndPad()
    {
        var spec = TokenizerFiles.QwenStyle(["ab"]);
        TokenizerFiles.Write(_folder, spec);
        var tokenizer = QwenTokenizer.FromFolder(_folder);

        var ids = tokenizer.Encode(tokenizer.ApplyChatTemplate([new ChatMessage("user", "ab")], enableThinking: false));

        Assert.Equal(257, tokenizer.TokenToId("<|endoftext|>"));
        Assert.Equal([259], tokenizer.EosTokenIds);
        Assert.Equal(257, tokenizer.PadTokenId);
        Assert.Equal(262, tokenizer.VocabSize);
        Assert.Equal([258, 84, 82, 68, 81, 198, 256, 259, 198, 258, 64, 82, 82, 72, 82, 83, 64, 77, 83, 198, 260, 198, 198, 261, 198, 198], ids);
    }

    [Fact]
    public void Write_MergeOfUnknownToken_Throws()
    {
        var spec = new TokenizerFolderSpec(new Dictionary<string, int> { ["a"] = 0, ["b"] = 1 }, [("a", "b")]);

        var error = Assert.Throws<ArgumentException>(() => TokenizerFiles.Write(_folder, spec));

        Assert.Contains("'ab' is not in the vocab", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_EosTokenUnknown_Throws()
    {
        var spec = TokenizerFiles.ByteLevelBpe([]) with { EosToken = "<eos>" };

        Assert.Throws<ArgumentException>(() => TokenizerFiles.Write(_folder, spec));
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { /* best effort */ }
    }
}
