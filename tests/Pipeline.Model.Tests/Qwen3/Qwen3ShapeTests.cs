// Parameter names and shapes: the full Qwen3-0.6B and 8B configs (../shared/data/qwen3_configs.json) are built on the
// meta device, which allocates nothing, and every parameter is checked against the HF checkpoint key pattern.
using System.Text.Json.Nodes;
using Pipeline.Model.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Tests.Qwen3;

public class Qwen3ShapeTests
{
    [Theory]
    [InlineData("Qwen3-0.6B")]
    [InlineData("Qwen3-8B")]
    public void MetaDevice_FullConfig_ParameterNamesShapesAndCountMatchCheckpoint(string name)
    {
        var config = SharedConfig(name);

        using var model = new Qwen3ForCausalLM(config, new Device("meta"), ScalarType.BFloat16);

        var actual = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.All(actual.Keys, key => Assert.Equal(DeviceType.META, model.get_parameter(key)!.device_type));
        Assert.Equal(ExpectedShapes(config), actual.OrderBy(p => p.Key).Select(p => (p.Key, string.Join("x", p.Value))));
        Assert.Equal(config.ParameterCount, actual.Values.Sum(s => s.Aggregate(1L, (a, b) => a * b)));
    }

    [Fact]
    public void MetaDevice_Qwen3_0_6B_HasTiedHeadAndWideAttention()
    {
        using var model = new Qwen3ForCausalLM(SharedConfig("Qwen3-0.6B"), new Device("meta"));
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        Assert.Equal([2048L, 1024], shapes["model.layers.0.self_attn.q_proj.weight"]); // 16 heads × head_dim 128, not hidden
        Assert.Equal([1024L, 1024], shapes["model.layers.0.self_attn.k_proj.weight"]); // 8 kv heads × 128
        Assert.Equal([1024L, 2048], shapes["model.layers.27.self_attn.o_proj.weight"]);
        Assert.Equal([128L], shapes["model.layers.0.self_attn.q_norm.weight"]);
        Assert.DoesNotContain("lm_head.weight", shapes.Keys);
        Assert.Equal(596_049_920L, SharedConfig("Qwen3-0.6B").ParameterCount);
    }

    [Fact]
    public void Constructor_SameTorchSeed_SameWeightsWithHfInitialisation()
    {
        var config = TinyQwen3.Config(hiddenSize: 64, intermediateSize: 128);
        torch.manual_seed(123);
        using var first = new Qwen3ForCausalLM(config);
        torch.manual_seed(123);
        using var second = new Qwen3ForCausalLM(config);

        var pairs = first.named_parameters().Zip(second.named_parameters()).ToList();
        Assert.All(pairs, p => Assert.True(p.First.parameter.equal(p.Second.parameter).all().item<bool>(), p.First.name));
        Assert.All(pairs.Where(p => p.First.name.EndsWith("norm.weight", StringComparison.Ordinal)),
            p => Assert.Equal(1f, p.First.parameter.min().item<float>()));
        var q = first.get_parameter("model.layers.0.self_attn.q_proj.weight")!;
        Assert.InRange(q.std().item<float>(), 0.018, 0.022); // normal(0, initializer_range = 0.02)
    }

    [Fact]
    public void TinyQwen3_SameSeed_SameModel_DifferentSeed_DifferentModel()
    {
        using var a = TinyQwen3.Create(5);
        using var b = TinyQwen3.Create(5);
        using var c = TinyQwen3.Create(6);

        var name = "model.layers.1.mlp.up_proj.weight";
        Assert.True(a.get_parameter(name)!.equal(b.get_parameter(name)!).all().item<bool>());
        Assert.False(a.get_parameter(name)!.equal(c.get_parameter(name)!).all().item<bool>());
    }

    private static IEnumerable<(string Key, string Shape)> ExpectedShapes(Qwen3Config c)
    {
        long h = c.HiddenSize, q = (long)c.NumAttentionHeads * c.HeadDim, kv = (long)c.NumKeyValueHeads * c.HeadDim;
        var shapes = new List<(string, long[])> { ("model.embed_tokens.weight", [c.VocabSize, h]), ("model.norm.weight", [h]) };
        if (!c.TieWordEmbeddings) shapes.Add(("lm_head.weight", [c.VocabSize, h]));
        for (var i = 0; i < c.NumHiddenLayers; i++)
        {
            var p = $"model.layers.{i}.";
            shapes.AddRange([
                (p + "self_attn.q_proj.weight", [q, h]), (p + "self_attn.k_proj.weight", [kv, h]),
                (p + "self_attn.v_proj.weight", [kv, h]), (p + "self_attn.o_proj.weight", [h, q]),
                (p + "self_attn.q_norm.weight", [c.HeadDim]), (p + "self_attn.k_norm.weight", [c.HeadDim]),
                (p + "mlp.gate_proj.weight", [c.IntermediateSize, h]), (p + "mlp.up_proj.weight", [c.IntermediateSize, h]),
                (p + "mlp.down_proj.weight", [h, c.IntermediateSize]),
                (p + "input_layernorm.weight", [h]), (p + "post_attention_layernorm.weight", [h])]);
        }
        return shapes.OrderBy(s => s.Item1, StringComparer.Ordinal).Select(s => (s.Item1, string.Join("x", s.Item2)));
    }

    private static Qwen3Config SharedConfig(string name)
    {
        var path = RepoPaths.SharedData("qwen3_configs.json");
        var models = JsonNode.Parse(File.ReadAllText(path))!["models"]!.AsObject();
        var json = models[name]?.AsObject() ?? throw new InvalidOperationException($"{path}: no model '{name}'");
        return Qwen3Config.FromJson(json, $"{path}#{name}");
    }
}
