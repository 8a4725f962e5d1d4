// Loading a broken tokenizer folder fails with an error that names the file and, where there is one,
// the field: a missing folder or file, truncated JSON, missing or mistyped fields, unsupported shapes,
// and a tokenizer_config.json that disagrees with tokenizer.json.
using System.Text.Json.Nodes;
using Pipeline.Model.Tokenization;

namespace Pipeline.Model.Tests.Tokenization;

public sealed class LoadErrorTests : IDisposable
{
    private readonly string _folder = TokenizerTestData.NewTempFolder("tokenizer-errors");

    private string TokenizerJson => Path.Combine(_folder, "tokenizer.json");

    private string ConfigJson => Path.Combine(_folder, "tokenizer_config.json");

    [Fact]
    public void FromFolder_MissingFolder_NamesTheFolder()
    {
        var missing = Path.Combine(_folder, "nope");

        var error = Assert.Throws<DirectoryNotFoundException>(() => QwenTokenizer.FromFolder(missing));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFolder_NoTokenizerJson_NamesTheFile()
    {
        var error = Assert.Throws<FileNotFoundException>(() => QwenTokenizer.FromFolder(_folder));

        Assert.Contains(TokenizerJson, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFolder_TruncatedTokenizerJson_NamesTheFile()
    {
        WriteTiny();
        var text = File.ReadAllText(TokenizerJson);
        File.WriteAllText(TokenizerJson, text[..(text.Length / 2)]);

        var error = Assert.Throws<InvalidDataException>(() => QwenTokenizer.FromFolder(_folder));

        Assert.Contains(TokenizerJson, error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("model.vocab", "is missing")]
    [InlineData("model.merges", "is missing")]
    [InlineData("pre_tokenizer", "is missing")]
    public void FromFolder_MissingField_NamesFileAndField(string field, string problem)
    {
        WriteTiny();
        EditTokenizerJson(root => Parent(root, field).Remove(field.Split('.')[^1]));

        var error = Assert.Throws<InvalidDataException>(() => QwenTokenizer.FromFolder(_folder));

        Assert.Contains($"{TokenizerJson}: {field} {problem}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFolder_BadMergeEntry_NamesItsIndex()
    {
        WriteTiny();
        EditTokenizerJson(root => root["model"]!["merges"]!.AsArray()[1] = "abc");

        var error = Assert.Throws<InvalidDataException>(() => QwenTokenizer.FromFolder(_folder));

        Assert.Contains("model.merges[1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFolder_NonIntegerAddedTokenId_NamesTheField()
    {
        WriteTiny();
        EditTokenizerJson(root => root["added_tokens"]!.AsArray()[0]!["id"] = "x");

        var error = Assert.Throws<InvalidDataException>(() => QwenTokenizer.FromFolder(_folder));

        Assert.Contains("added_tokens[0].id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFolder_UnsupportedNormalizer_SaysSo()
    {
        WriteTiny();
        EditTokenizerJson(root => root["normalizer"] = new JsonObject { ["type"] = "NFKC" });

        var error = Assert.Throws<NotSupportedException>(() => QwenTokenizer.FromFolder(_folder));

        Assert.Contains($"{TokenizerJson}: normalizer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFolder_ConfigEosNotInVocabulary_NamesConfigAndField()
    {
        WriteTiny();
        File.WriteAllText(ConfigJson, """{"eos_token": "<|nowhere|>"}""");

        var error = Assert.Throws<InvalidDataException>(() => QwenTokenizer.FromFolder(_folder));

        Assert.Contains($"{ConfigJson}: eos_token '<|nowhere|>'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFolder_ConfigAddedTokenConflicts_NamesBothContents()
    {
        WriteTiny();
        File.WriteAllText(ConfigJson, """{"added_tokens_decoder": {"258": {"content": "<other>", "special": true}}}""");

        var error = Assert.Throws<InvalidDataException>(() => QwenTokenizer.FromFolder(_folder));

        Assert.Contains("added_tokens_decoder[\"258\"] is '<other>'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFolder_CorruptConfig_NamesTheConfigFile()
    {
        WriteTiny();
        File.WriteAllText(ConfigJson, "{ \"eos_token\": ");

        var error = Assert.Throws<InvalidDataException>(() => QwenTokenizer.FromFolder(_folder));

        Assert.Contains(ConfigJson, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromFiles_NoConfig_LoadsWithoutEosOrPad()
    {
        WriteTiny();

        var tokenizer = QwenTokenizer.FromFiles(TokenizerJson, tokenizerConfigPath: null);

        Assert.Empty(tokenizer.EosTokenIds);
        Assert.Null(tokenizer.PadTokenId);
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { /* best effort */ }
    }

    /// <summary>A 258-token BPE (256 bytes, "ab", "abc") with &lt;eos&gt; = 258.</summary>
    private void WriteTiny() =>
        TokenizerFiles.Write(_folder, TokenizerFiles.ByteLevelBpe(["ab", "abc"]) with { AddedTokens = [new AddedToken(258, "<eos>")] });

    private void EditTokenizerJson(Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(File.ReadAllText(TokenizerJson))!.AsObject();
        edit(root);
        File.WriteAllText(TokenizerJson, root.ToJsonString());
    }

    private static JsonObject Parent(JsonObject root, string field)
    {
        var node = root;
        foreach (var part in field.Split('.')[..^1]) node = node[part]!.AsObject();
        return node;
    }
}
