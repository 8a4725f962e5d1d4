using System.Text.Json.Nodes;
using Pipeline.Model.Checkpoints;
using TorchSharp;
using static Pipeline.Model.Tests.Checkpoints.CheckpointTestFiles;

namespace Pipeline.Model.Tests.Checkpoints;

/// <summary>Sharded folders: transformers' shard names and index, round trip, and each inconsistency of index and shards.</summary>
public class ShardedCheckpointTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private void WriteShard(string file, params string[] names) =>
        SafetensorsWriter.Write(_folder.File(file), names.Select(n => KeyValuePair.Create(n, torch.ones(2))));

    private void WriteIndex(params (string Name, string File)[] map) =>
        File.WriteAllText(_folder.File(CheckpointIndex.FileName), new CheckpointIndex(map.ToDictionary(m => m.Name, m => m.File), 16).ToJson());

    [Fact]
    public void SaveTensors_MaxShardBytes_WritesTransformersNamesAndIndex()
    {
        var tensors = SmallModelTensors(seed: 1); // 160, 64, 16, 16 bytes

        var written = CheckpointWriter.SaveTensors(tensors, _folder.Path, maxShardBytes: 90);
        var index = CheckpointIndex.Load(_folder.File(CheckpointIndex.FileName));

        Assert.Equal(["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors", CheckpointIndex.FileName], written);
        Assert.Equal(256, index.TotalSize);
        Assert.Equal("model-00001-of-00003.safetensors", index.WeightMap["model.embed_tokens.weight"]);
        Assert.Equal("model-00002-of-00003.safetensors", index.WeightMap["model.layers.0.input_layernorm.weight"]);
        Assert.Equal("model-00002-of-00003.safetensors", index.WeightMap["model.layers.0.self_attn.q_proj.weight"]);
        Assert.Equal("model-00003-of-00003.safetensors", index.WeightMap["model.norm.weight"]);
        Assert.False(File.Exists(_folder.File(CheckpointReader.SingleFileName)));
        DisposeAll(tensors.Values);
    }

    [Fact]
    public void SaveThenOpen_Sharded_IsBitIdentical()
    {
        var tensors = SmallModelTensors(seed: 2);
        CheckpointWriter.SaveTensors(tensors, _folder.Path, torch.ScalarType.BFloat16, maxShardBytes: 40);

        using var checkpoint = CheckpointReader.Open(_folder.Path);
        var loaded = checkpoint.ReadAll();

        Assert.True(checkpoint.IsSharded);
        Assert.Equal(tensors.Keys.Order(StringComparer.Ordinal), checkpoint.Names);
        foreach (var (name, tensor) in tensors)
        {
            using var expected = tensor.to(torch.ScalarType.BFloat16);
            Assert.Equal(Bytes(expected), Bytes(loaded[name]));
        }
        DisposeAll(tensors.Values.Concat(loaded.Values));
    }

    [Fact]
    public void Index_ToJson_IsWhatTransformersWrites()
    {
        var index = new CheckpointIndex(new Dictionary<string, string> { ["b"] = "model-00002-of-00002.safetensors", ["a"] = "model-00001-of-00002.safetensors" }, 24);

        var text = index.ToJson();

        Assert.Equal("{\n  \"metadata\": {\n    \"total_size\": 24\n  },\n  \"weight_map\": {\n    \"a\": \"model-00001-of-00002.safetensors\",\n" +
                     "    \"b\": \"model-00002-of-00002.safetensors\"\n  }\n}\n", text);
    }

    [Theory]
    [InlineData(new long[] { 10, 10, 10 }, 25, new[] { 2, 1 })]
    [InlineData(new long[] { 10, 50, 10 }, 25, new[] { 1, 1, 1 })]
    [InlineData(new long[] { 50 }, 25, new[] { 1 })]
    [InlineData(new long[] { 10, 15, 10 }, 25, new[] { 2, 1 })]
    public void PlanShards_ClosesShardBeforeOverflowAndIsolatesOversizedTensors(long[] sizes, long max, int[] expectedCounts)
    {
        var shards = CheckpointWriter.PlanShards(sizes.Select((s, i) => ($"t{i}", s)), max);

        Assert.Equal(expectedCounts, shards.Select(s => s.Count));
    }

    [Fact]
    public void Open_ShardMissingFromDisk_NamesShard()
    {
        WriteShard("model-00001-of-00002.safetensors", "a");
        WriteIndex(("a", "model-00001-of-00002.safetensors"), ("b", "model-00002-of-00002.safetensors"));

        var error = Assert.Throws<InvalidDataException>(() => CheckpointReader.Open(_folder.Path));

        Assert.Contains("shard 'model-00002-of-00002.safetensors' is listed in the index (for 1 tensors, e.g. 'b') but missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TensorListedButAbsentFromItsShard_NamesTensorAndShard()
    {
        WriteShard("s1.safetensors", "a");
        WriteShard("s2.safetensors", "c");
        WriteIndex(("a", "s1.safetensors"), ("b", "s1.safetensors"), ("c", "s2.safetensors"));

        var error = Assert.Throws<InvalidDataException>(() => CheckpointReader.Open(_folder.Path));

        Assert.Contains("tensor 'b' is listed in the index under 's1.safetensors', but that shard does not contain it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TensorInTwoShards_NamesBothShards()
    {
        WriteShard("s1.safetensors", "a", "b");
        WriteShard("s2.safetensors", "b");
        WriteIndex(("a", "s1.safetensors"), ("b", "s2.safetensors"));

        var error = Assert.Throws<InvalidDataException>(() => CheckpointReader.Open(_folder.Path));

        Assert.Contains("tensor 'b' is present in 2 shards: 's1.safetensors', 's2.safetensors'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TensorInShardButNotInIndex_IsReportedWithOtherProblems()
    {
        WriteShard("s1.safetensors", "a", "stray");
        WriteIndex(("a", "s1.safetensors"), ("gone", "s9.safetensors"));

        var error = Assert.Throws<InvalidDataException>(() => CheckpointReader.Open(_folder.Path));

        Assert.Contains("2 problems", error.Message, StringComparison.Ordinal);
        Assert.Contains("tensor 'stray' is in shard 's1.safetensors' but not listed in the index", error.Message, StringComparison.Ordinal);
        Assert.Contains("shard 's9.safetensors'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_CorruptShard_NamesShardFile()
    {
        WriteShard("s1.safetensors", "a");
        WriteIndex(("a", "s1.safetensors"));
        var bytes = File.ReadAllBytes(_folder.File("s1.safetensors"));
        File.WriteAllBytes(_folder.File("s1.safetensors"), bytes[..^1]);

        var error = Assert.Throws<InvalidDataException>(() => CheckpointReader.Open(_folder.Path));

        Assert.StartsWith(_folder.File("s1.safetensors") + ": truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_IndexPointingOutsideFolder_IsRejected()
    {
        File.WriteAllText(_folder.File(CheckpointIndex.FileName), "{\"weight_map\": {\"a\": \"../elsewhere.safetensors\"}}");

        var error = Assert.Throws<InvalidDataException>(() => CheckpointReader.Open(_folder.Path));

        Assert.Contains("must be a file name in the same folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_SingleFileAndIndexBothPresent_IsAmbiguous()
    {
        WriteShard(CheckpointReader.SingleFileName, "a");
        WriteIndex(("a", CheckpointReader.SingleFileName));

        var error = Assert.Throws<InvalidDataException>(() => CheckpointReader.Open(_folder.Path));

        Assert.Contains("holds both", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_FolderWithoutWeights_IsFileNotFound()
    {
        var error = Assert.Throws<FileNotFoundException>(() => CheckpointReader.Open(_folder.Path));

        Assert.Contains("no model.safetensors or model.safetensors.index.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Index_FloatTotalSize_IsAccepted()
    {
        File.WriteAllText(_folder.File(CheckpointIndex.FileName), "{\"metadata\": {\"total_size\": 1.6e10}, \"weight_map\": {}}");

        var index = CheckpointIndex.Load(_folder.File(CheckpointIndex.FileName));

        Assert.Equal(16_000_000_000L, index.TotalSize);
        Assert.NotNull(JsonNode.Parse(index.ToJson()));
    }
}
