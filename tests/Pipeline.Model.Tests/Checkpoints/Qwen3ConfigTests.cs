using System.Text.Json.Nodes;
using Pipeline.Model.Qwen3;

namespace Pipeline.Model.Tests.Checkpoints;

/// <summary>config.json reading and writing. The real configs come from ../shared/data/qwen3_configs.json.</summary>
public class Qwen3ConfigTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private const string Minimal = """
        "vocab_size": 10, "hidden_size": 4, "intermediate_size": 8, "num_hidden_layers": 1,
        "num_attention_heads": 2, "num_key_value_heads": 1, "head_dim": 2
        """;

    private string Write(string body)
    {
        var path = _folder.File("config.json");
        File.WriteAllText(path, "{" + body + "}");
        return path;
    }

    private static JsonObject RealConfigs() =>
        JsonNode.Parse(File.ReadAllText(RepoPaths.SharedData("qwen3_configs.json")))!["models"]!.AsObject();

    [Fact]
    public void Load_MissingRequiredField_NamesFileAndField()
    {
        var path = Write(Minimal.Replace("\"head_dim\": 2", "\"rope_theta\": 10000", StringComparison.Ordinal));

        var error = Assert.Throws<InvalidDataException>(() => Qwen3Config.Load(path));

        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("missing required field 'head_dim'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"model_type\": \"qwen3_moe\"", "MoE models are not implemented")]
    [InlineData("\"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4.0}", "rope_scaling is set")]
    [InlineData("\"use_sliding_window\": true", "sliding-window attention is not implemented")]
    [InlineData("\"hidden_act\": 7", "hidden_act must be a string")]
    [InlineData("\"eos_token_id\": \"</s>\"", "eos_token_id must be a token id or a list")]
    public void Load_UnsupportedOrMalformed_IsRejectedNamingFile(string field, string expected)
    {
        var path = Write(Minimal + ", " + field);

        var error = Assert.Throws<InvalidDataException>(() => Qwen3Config.Load(path));

        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"eos_token_id\": 151645", new[] { 151645 })]
    [InlineData("\"eos_token_id\": [151645, 151643]", new[] { 151645, 151643 })]
    [InlineData("\"eos_token_id\": null", new int[0])]
    [InlineData("\"rope_scaling\": null", new int[0])]
    public void Load_EosAsIdOrListOrNull_IsAlwaysAList(string field, int[] expected)
    {
        var config = Qwen3Config.Load(Write(Minimal + ", " + field));

        Assert.Equal(expected, config.EosTokenIds);
    }

    [Fact]
    public void ToJson_RoundTripsKnownAndUnknownFields()
    {
        var path = Write(Minimal + """
            , "eos_token_id": [1, 2], "torch_dtype": "bfloat16", "architectures": ["Qwen3ForCausalLM"],
            "quantization_config": {"bits": 4, "nested": [1, {"a": null}]}, "max_window_layers": 28
            """);
        var config = Qwen3Config.Load(path);

        var again = Qwen3Config.FromJson(JsonNode.Parse(config.ToJson())!.AsObject(), "round trip");

        Assert.Equal(config.EosTokenIds, again.EosTokenIds);
        Assert.Equal(config with { EosTokenIds = again.EosTokenIds, Extra = again.Extra }, again);
        Assert.True(JsonNode.DeepEquals(config.Extra, again.Extra));
        Assert.Equal("{\"bits\":4,\"nested\":[1,{\"a\":null}]}", again.Extra["quantization_config"]!.ToJsonString());
    }

    [Fact]
    public void ToJson_UnsetOptionalFields_AreLeftOutRatherThanNull()
    {
        var config = Qwen3Config.Load(Write(Minimal));

        var json = JsonNode.Parse(config.ToJson())!.AsObject();

        Assert.False(json.ContainsKey("torch_dtype"));
        Assert.False(json.ContainsKey("bos_token_id"));
        Assert.False(json.ContainsKey("eos_token_id"));
    }

    [Fact]
    public void FromJson_RealDenseConfigs_LoadAndMoEIsRejected()
    {
        var models = RealConfigs();

        foreach (var (name, node) in models.Where(m => m.Key != "Qwen3-30B-A3B"))
        {
            var config = Qwen3Config.FromJson(node!.AsObject(), name);
            Assert.Equal(128, config.HeadDim);
            Assert.Equal([151645], config.EosTokenIds);
        }
        var moe = Assert.Throws<InvalidDataException>(() => Qwen3Config.FromJson(models["Qwen3-30B-A3B"]!.AsObject(), "Qwen3-30B-A3B"));
        Assert.Contains("MoE", moe.Message, StringComparison.Ordinal);
    }
}
