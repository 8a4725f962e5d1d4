using System.Text.Json.Nodes;
using Pipeline.Model.Checkpoints;
using Pipeline.Model.Qwen3;
using TorchSharp;
using static Pipeline.Model.Tests.Checkpoints.CheckpointTestFiles;

namespace Pipeline.Model.Tests.Checkpoints;

/// <summary>Saving a module as an HF folder: config.json, pt metadata, dtype, generation config, layouts, load → save reproducing files.</summary>
public class CheckpointWriterTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    internal static Qwen3Config TinyConfig(bool tied, string extraJson = "") => Qwen3Config.FromJson(JsonNode.Parse($$"""
        { "vocab_size": 10, "hidden_size": 4, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2,
          "num_key_value_heads": 1, "head_dim": 2, "tie_word_embeddings": {{(tied ? "true" : "false")}},
          "torch_dtype": "bfloat16", "eos_token_id": 3, "architectures": ["Qwen3ForCausalLM"] {{extraJson}} }
        """)!.AsObject(), "test config");

    private string Sub(string name) => Path.Combine(_folder.Path, name);

    [Fact]
    public void Save_WritesConfigWeightsWithPtMetadataAndCopiesGenerationConfig()
    {
        using var module = new TinyModule(tied: true, seed: 1);
        var generation = _folder.File("gen.json");
        File.WriteAllText(generation, "{\"eos_token_id\": [3, 4], \"temperature\": 0.6, \"transformers_version\": \"4.51.0\"}");

        CheckpointWriter.Save(module, TinyConfig(tied: true), Sub("out"), generationConfigPath: generation);

        var config = Qwen3Config.Load(Path.Combine(Sub("out"), "config.json"));
        var header = HeaderText(File.ReadAllBytes(Path.Combine(Sub("out"), "model.safetensors")));
        Assert.Equal("float32", config.TorchDtype);
        Assert.Equal("[\"Qwen3ForCausalLM\"]", config.Extra["architectures"]!.ToJsonString());
        Assert.StartsWith("{\"__metadata__\":{\"format\":\"pt\"},", header, StringComparison.Ordinal);
        Assert.DoesNotContain("inv_freq", header, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(generation), File.ReadAllBytes(Path.Combine(Sub("out"), GenerationConfig.FileName)));
    }

    [Fact]
    public void Save_Bf16_ConvertsWeightsAndUpdatesBothDtypeFields()
    {
        using var module = new TinyModule(tied: true, seed: 2);

        CheckpointWriter.Save(module, TinyConfig(tied: true, ", \"dtype\": \"float32\""), Sub("out"), torch.ScalarType.BFloat16);

        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Sub("out"), "config.json")))!;
        using var checkpoint = CheckpointReader.Open(Sub("out"));
        Assert.Equal("bfloat16", json["torch_dtype"]!.GetValue<string>());
        Assert.Equal("bfloat16", json["dtype"]!.GetValue<string>());
        Assert.All(checkpoint.Names, n => Assert.Equal("BF16", checkpoint.Entry(n).Dtype));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(100L)]
    public void LoadThenSave_ReproducesTheSameFilesByteForByte(long? maxShardBytes)
    {
        var config = TinyConfig(tied: false);
        using var original = new TinyModule(tied: false, seed: 3);
        using var reloaded = new TinyModule(tied: false, seed: 4);
        CheckpointWriter.Save(original, config, Sub("a"), maxShardBytes: maxShardBytes);

        CheckpointLoader.LoadInto(reloaded, Sub("a"));
        CheckpointWriter.Save(reloaded, Qwen3Config.Load(Path.Combine(Sub("a"), "config.json")), Sub("b"), maxShardBytes: maxShardBytes);

        var files = Directory.GetFiles(Sub("a")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(files, Directory.GetFiles(Sub("b")).Select(Path.GetFileName).Order());
        Assert.All(files, f => Assert.Equal(File.ReadAllBytes(Path.Combine(Sub("a"), f!)), File.ReadAllBytes(Path.Combine(Sub("b"), f!))));
    }

    [Fact]
    public void Save_ChangingLayout_LeavesNoStaleWeights()
    {
        using var module = new TinyModule(tied: false, seed: 5);
        File.WriteAllText(_folder.File("model-00007-of-00009.safetensors"), "stale");

        CheckpointWriter.Save(module, TinyConfig(tied: false), _folder.Path, maxShardBytes: 100);
        var sharded = Directory.GetFiles(_folder.Path).Select(Path.GetFileName).Order().ToList();
        CheckpointWriter.Save(module, TinyConfig(tied: false), _folder.Path);
        var single = Directory.GetFiles(_folder.Path).Select(Path.GetFileName).Order().ToList();

        Assert.Equal(["config.json", "model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors", "model.safetensors.index.json"], sharded);
        Assert.Equal(["config.json", "model.safetensors"], single);
    }

    [Fact]
    public void Save_TiedConfigAndHeadEqualToEmbeddings_SavesWithoutHead()
    {
        using var module = new TinyModule(tied: true, seed: 6);
        using var copy = module.Get("model.embed_tokens.weight").detach().clone();
        module.register_parameter("lm_head.weight", new TorchSharp.Modules.Parameter(copy));
        Assert.Contains("lm_head.weight", module.state_dict().Keys);

        CheckpointWriter.Save(module, TinyConfig(tied: true), _folder.Path);

        using var checkpoint = CheckpointReader.Open(_folder.Path);
        Assert.DoesNotContain("lm_head.weight", checkpoint.Names);
    }

    [Fact]
    public void Save_TiedConfigAndDistinctHead_IsRefused()
    {
        using var module = new TinyModule(tied: false, seed: 7);

        var error = Assert.Throws<InvalidOperationException>(() => CheckpointWriter.Save(module, TinyConfig(tied: true), _folder.Path));

        Assert.Contains("tie_word_embeddings: true", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_MissingGenerationConfigSource_IsFileNotFound()
    {
        using var module = new TinyModule(tied: true, seed: 8);

        Assert.Throws<FileNotFoundException>(() => CheckpointWriter.Save(module, TinyConfig(tied: true), _folder.Path, generationConfigPath: _folder.File("nope.json")));
    }
}
