// Outside input that would make a matmul abort the process (or index out of the embedding) must instead throw an
// ArgumentException that says what is wrong, before any tensor op of the model runs.
using Pipeline.Model.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Tests.Qwen3;

public class ForwardValidationTests
{
    private static readonly Qwen3ForCausalLM Model = TinyQwen3.Create(21);

    [Theory]
    [InlineData(97L)]
    [InlineData(100_000L)]
    [InlineData(-1L)]
    public void Forward_IdOutsideVocabulary_ThrowsNamingIdAndVocabulary(long id)
    {
        using var ids = torch.tensor(new[] { 1L, id, 2L }, [1, 3]);

        var error = Assert.Throws<ArgumentException>(() => Model.Forward(ids));

        Assert.Contains($"token id {id} is outside the vocabulary [0, 97)", error.Message);
    }

    [Fact]
    public void Forward_OneDimensionalIds_Throws()
    {
        using var ids = torch.tensor(new[] { 1L, 2L });

        var error = Assert.Throws<ArgumentException>(() => Model.Forward(ids));

        Assert.Contains("input ids must be (batch ≥ 1, tokens ≥ 1), got (2)", error.Message);
    }

    [Fact]
    public void Forward_EmptySequence_Throws()
    {
        using var ids = torch.zeros([1, 0], ScalarType.Int64);

        Assert.Throws<ArgumentException>(() => Model.Forward(ids));
    }

    [Fact]
    public void Forward_FloatIds_Throws()
    {
        using var ids = torch.ones([1, 3]);

        var error = Assert.Throws<ArgumentException>(() => Model.Forward(ids));

        Assert.Contains("integer dtype", error.Message);
    }

    [Fact]
    public void Forward_MaskOfWrongLength_ThrowsWithBothShapes()
    {
        using var ids = torch.ones([2, 3], ScalarType.Int64);
        using var mask = torch.ones([2, 4], ScalarType.Bool);

        var error = Assert.Throws<ArgumentException>(() => Model.Forward(ids, attentionMask: mask));

        Assert.Contains("attention mask must be (batch 2, cached + new tokens 3), got (2, 4)", error.Message);
    }

    [Fact]
    public void Forward_PositionsOfWrongShape_Throws()
    {
        using var ids = torch.ones([2, 3], ScalarType.Int64);
        using var positions = torch.zeros([2, 2], ScalarType.Int64);

        Assert.Throws<ArgumentException>(() => Model.Forward(ids, positions));
    }

    [Fact]
    public void Forward_CacheWithOtherBatchSize_Throws()
    {
        using var ids = torch.ones([2, 3], ScalarType.Int64);
        using var cache = Model.NewCache(3, 8);

        var error = Assert.Throws<ArgumentException>(() => Model.Forward(ids, cache: cache));

        Assert.Contains("KV cache holds 3 rows, input ids have 2", error.Message);
    }

    [Fact]
    public void Forward_CacheWithOtherLayerCount_Throws()
    {
        using var ids = torch.ones([1, 3], ScalarType.Int64);
        using var cache = new KvCache(5, 1, 2, 16, 8, torch.CPU, ScalarType.Float32);

        var error = Assert.Throws<ArgumentException>(() => Model.Forward(ids, cache: cache));

        Assert.Contains("KV cache has 5 layers, the model 2", error.Message);
    }

    [Fact]
    public void Forward_Int32Ids_AreAccepted()
    {
        using var ids = torch.tensor(new[] { 1, 2, 3 }, [1, 3]);

        using var logits = Model.Forward(ids);

        Assert.Equal([1L, 3, 97], logits.shape);
    }
}
