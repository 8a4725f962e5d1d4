// End to end through the files: a random Qwen3 saved as an HF folder (single file or sharded, float32 or bfloat16,
// tied or untied), loaded back by ModelFolder, must still match the independent reference implementation.
using Pipeline.Model.Qwen3;
using Pipeline.Model.Tests.Checkpoints;
using Pipeline.Model.Tests.Qwen3;
using Pipeline.Model.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Tests;

public class ModelFolderTests
{
    private static Qwen3ForCausalLM WriteFolder(string folder, bool tied, ulong seed, ScalarType saveDtype, long? maxShardBytes)
    {
        TokenizerFiles.Write(folder, TokenizerFiles.QwenStyle(["alpha", "beta"]));
        var vocab = QwenTokenizer.FromFolder(folder).VocabSize;
        var model = TinyQwen3.Create(seed, TinyQwen3.Config(vocabSize: vocab, layers: 2, tieWordEmbeddings: tied));
        ModelFolder.Save(model, folder, folder, saveDtype, maxShardBytes);
        return model;
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, 20_000L)]
    public void Load_Float32Folder_IsBitIdenticalAndMatchesReference(bool tied, long? maxShardBytes)
    {
        using var folder = new TempFolder();
        using var original = WriteFolder(folder.Path, tied, 11, ScalarType.Float32, maxShardBytes);

        using var loaded = ModelFolder.Load(folder.Path);

        var ids = tensor(new long[] { 1, 5, 9, 42, 260, 7 }, [1, 6]);
        using (no_grad())
        {
            Assert.True(original.Forward(ids).eq(loaded.Model.Forward(ids)).all().item<bool>());
        }
        Assert.Equal(maxShardBytes is not null, File.Exists(folder.File("model.safetensors.index.json")));
        Assert.InRange(Qwen3ParityTests.MaxLogProbDifference(loaded.Model, 11), 0, 1e-4);
    }

    [Theory]
    [InlineData(false, 20_000L)]
    [InlineData(true, null)]
    public void Load_Bfloat16Folder_MatchesReferenceWithin1e3(bool tied, long? maxShardBytes)
    {
        using var folder = new TempFolder();
        using var original = WriteFolder(folder.Path, tied, 12, ScalarType.BFloat16, maxShardBytes);

        using var loaded = ModelFolder.Load(folder.Path);

        Assert.Equal(ScalarType.Float32, loaded.Model.DType);
        Assert.InRange(Qwen3ParityTests.MaxLogProbDifference(loaded.Model, 12), 0, 1e-3);
    }

    [Fact]
    public void Load_TokenizerLargerThanTheEmbedding_IsRejectedBeforeReadingWeights()
    {
        using var folder = new TempFolder();
        TokenizerFiles.Write(folder.Path, TokenizerFiles.QwenStyle(["alpha"]));
        using var model = TinyQwen3.Create(1, TinyQwen3.Config(vocabSize: 97));
        ModelFolder.Save(model, folder.Path, folder.Path);

        var e = Assert.Throws<InvalidDataException>(() => ModelFolder.Load(folder.Path));

        Assert.Contains("vocab_size is 97", e.Message, StringComparison.Ordinal);
    }
}
