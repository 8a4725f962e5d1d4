using Pipeline.Model.Checkpoints;

namespace Pipeline.Model.Tests.Checkpoints;

/// <summary>generation_config.json: the Qwen3 file as published, eos as id or list, every bad field reported with the file.</summary>
public class GenerationConfigTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Write(string json)
    {
        var path = _folder.File(GenerationConfig.FileName);
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Load_Qwen3GenerationConfig_ReadsEveryField()
    {
        // Qwen3-0.6B's generation_config.json as published, plus max_new_tokens.
        var path = Write("""
            { "bos_token_id": 151643, "do_sample": true, "eos_token_id": [151645, 151643], "pad_token_id": 151643,
              "temperature": 0.6, "top_k": 20, "top_p": 0.95, "max_new_tokens": 512, "transformers_version": "4.51.0" }
            """);

        var config = GenerationConfig.Load(path);

        Assert.Equal(new GenerationConfig
        {
            EosTokenIds = config.EosTokenIds, BosTokenId = 151643, PadTokenId = 151643, DoSample = true,
            Temperature = 0.6, TopK = 20, TopP = 0.95, MaxNewTokens = 512,
        }, config);
        Assert.Equal([151645, 151643], config.EosTokenIds);
    }

    [Theory]
    [InlineData("{\"eos_token_id\": 2}", new[] { 2 })]
    [InlineData("{\"eos_token_id\": [2, 3]}", new[] { 2, 3 })]
    [InlineData("{\"eos_token_id\": null}", new int[0])]
    [InlineData("{}", new int[0])]
    public void Load_EosAsIdOrList_IsAlwaysAList(string json, int[] expected)
    {
        Assert.Equal(expected, GenerationConfig.Load(Write(json)).EosTokenIds);
    }

    [Fact]
    public void LoadOptional_NoFile_IsNull()
    {
        Assert.Null(GenerationConfig.LoadOptional(_folder.Path));
    }

    [Fact]
    public void Load_WrongTypesAndRanges_AreAllReportedNamingFile()
    {
        var path = Write("{\"temperature\": \"hot\", \"top_p\": 1.5, \"top_k\": 2.5, \"do_sample\": \"yes\", \"eos_token_id\": [1, \"x\"], \"max_new_tokens\": 0}");

        var error = Assert.Throws<InvalidDataException>(() => GenerationConfig.Load(path));

        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("temperature must be a number, got \"hot\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("top_p must be in (0, 1], got 1.5", error.Message, StringComparison.Ordinal);
        Assert.Contains("top_k must be an integer, got 2.5", error.Message, StringComparison.Ordinal);
        Assert.Contains("do_sample must be true or false", error.Message, StringComparison.Ordinal);
        Assert.Contains("eos_token_id must be a token id or a list of token ids", error.Message, StringComparison.Ordinal);
        Assert.Contains("max_new_tokens must be ≥ 1, got 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidJson_NamesFile()
    {
        var path = Write("{\"temperature\": ");

        var error = Assert.Throws<InvalidDataException>(() => GenerationConfig.Load(path));

        Assert.StartsWith($"{path}: invalid JSON", error.Message, StringComparison.Ordinal);
    }
}
