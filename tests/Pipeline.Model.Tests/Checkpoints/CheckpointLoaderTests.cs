using Pipeline.Model.Checkpoints;
using TorchSharp;
using static Pipeline.Model.Tests.Checkpoints.CheckpointTestFiles;

namespace Pipeline.Model.Tests.Checkpoints;

/// <summary>Strict state-dict application to a hand-made module: exact copies, dtype conversion, every mismatch listed, the tied-embedding rule.</summary>
public class CheckpointLoaderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private void SaveWeights(torch.nn.Module module, torch.ScalarType? dtype = null, long? maxShardBytes = null) =>
        CheckpointWriter.SaveTensors(module.state_dict(), _folder.Path, dtype, maxShardBytes);

    [Fact]
    public void LoadInto_MatchingCheckpoint_CopiesEveryTensorExactly()
    {
        using var source = new TinyModule(tied: false, seed: 1);
        using var target = new TinyModule(tied: false, seed: 2);
        SaveWeights(source);

        var result = CheckpointLoader.LoadInto(target, _folder.Path);

        Assert.Equal(5, result.Loaded);
        Assert.Empty(result.Ignored);
        Assert.All(source.state_dict(), kv => Assert.Equal(Bytes(kv.Value), Bytes(target.Get(kv.Key))));
    }

    [Fact]
    public void LoadInto_LeavesParametersAsTrainableLeaves()
    {
        using var source = new TinyModule(tied: true, seed: 1);
        using var target = new TinyModule(tied: true, seed: 2);
        SaveWeights(source);

        CheckpointLoader.LoadInto(target, _folder.Path);

        Assert.All(target.parameters(), p => Assert.True(p.requires_grad && p.is_leaf));
    }

    [Fact]
    public void LoadInto_Bf16CheckpointIntoFloat32Module_UpcastsExactly()
    {
        using var source = new TinyModule(tied: true, seed: 3);
        using var target = new TinyModule(tied: true, seed: 4);
        SaveWeights(source, torch.ScalarType.BFloat16);

        CheckpointLoader.LoadInto(target, _folder.Path);

        using var expected = source.Get("model.norm.weight").to(torch.ScalarType.BFloat16).to(torch.ScalarType.Float32);
        Assert.Equal(torch.ScalarType.Float32, target.Get("model.norm.weight").dtype);
        Assert.Equal(Bytes(expected), Bytes(target.Get("model.norm.weight")));
    }

    [Fact]
    public void LoadInto_ShardedCheckpoint_LoadsLikeSingleFile()
    {
        using var source = new TinyModule(tied: false, seed: 5);
        using var target = new TinyModule(tied: false, seed: 6);
        SaveWeights(source, maxShardBytes: 100);

        CheckpointLoader.LoadInto(target, _folder.Path);

        Assert.True(File.Exists(_folder.File(CheckpointIndex.FileName)));
        Assert.All(source.state_dict(), kv => Assert.Equal(Bytes(kv.Value), Bytes(target.Get(kv.Key))));
    }

    [Fact]
    public void LoadInto_MisShapedTensor_NamesTensorAndBothShapes()
    {
        using var source = new TinyModule(tied: true, seed: 1, hidden: 6);
        using var target = new TinyModule(tied: true, seed: 2);
        SaveWeights(source);

        var error = Assert.Throws<CheckpointMismatchException>(() => CheckpointLoader.LoadInto(target, _folder.Path));

        Assert.Contains("wrong shape: 'model.layers.0.self_attn.q_proj.weight' is [6, 6] in the checkpoint, [4, 4] in the model", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, error.MisShaped.Count);
    }

    [Fact]
    public void LoadInto_MissingAndUnexpected_AreListedTogetherAndNothingIsCopied()
    {
        using var target = new TinyModule(tied: false, seed: 2);
        var before = Bytes(target.Get("model.norm.weight"));
        using var norm = torch.ones(TinyModule.Hidden);
        using var extra = torch.ones(3);
        CheckpointWriter.SaveTensors(new Dictionary<string, torch.Tensor> { ["model.norm.weight"] = norm, ["model.extra.bias"] = extra }, _folder.Path);

        var error = Assert.Throws<CheckpointMismatchException>(() => CheckpointLoader.LoadInto(target, _folder.Path));

        Assert.Equal(["lm_head.weight", "model.embed_tokens.weight", "model.layers.0.input_layernorm.weight", "model.layers.0.self_attn.q_proj.weight"], error.Missing);
        Assert.Equal(["model.extra.bias"], error.Unexpected);
        Assert.Contains("missing: 'lm_head.weight' [10, 4] is in the model but not in the checkpoint", error.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected: 'model.extra.bias' [3] is in the checkpoint but not in the model", error.Message, StringComparison.Ordinal);
        Assert.Contains(_folder.Path, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, Bytes(target.Get("model.norm.weight")));
    }

    [Fact]
    public void LoadInto_TiedModuleAndCheckpointHeadEqualToEmbeddings_IgnoresHead()
    {
        using var source = new TinyModule(tied: true, seed: 7);
        using var target = new TinyModule(tied: true, seed: 8);
        var state = source.state_dict();
        state["lm_head.weight"] = source.Get("model.embed_tokens.weight");
        CheckpointWriter.SaveTensors(state, _folder.Path);

        var result = CheckpointLoader.LoadInto(target, _folder.Path);

        Assert.Equal(4, result.Loaded);
        Assert.Equal(["lm_head.weight: tied to model.embed_tokens.weight and equal to it"], result.Ignored);
    }

    [Fact]
    public void LoadInto_TiedModuleAndDifferentCheckpointHead_IsRefused()
    {
        using var untied = new TinyModule(tied: false, seed: 9);
        using var tied = new TinyModule(tied: true, seed: 10);
        SaveWeights(untied);

        var error = Assert.Throws<InvalidDataException>(() => CheckpointLoader.LoadInto(tied, _folder.Path));

        Assert.Contains("lm_head.weight [10, 4] differs from its model.embed_tokens.weight [10, 4]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadInto_UntiedModuleAndTiedCheckpoint_ReportsMissingHead()
    {
        using var tied = new TinyModule(tied: true, seed: 11);
        using var untied = new TinyModule(tied: false, seed: 12);
        SaveWeights(tied);

        var error = Assert.Throws<CheckpointMismatchException>(() => CheckpointLoader.LoadInto(untied, _folder.Path));

        Assert.Equal(["lm_head.weight"], error.Missing);
    }
}
