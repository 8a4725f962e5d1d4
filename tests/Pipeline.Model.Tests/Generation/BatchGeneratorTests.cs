// The generation loop against a mock with known logits: greedy successors, stop ids, stop strings, per-request
// limits and finish reasons, rows leaving the batch when done, seeds, and request validation.
using Pipeline.Model.Generation;

namespace Pipeline.Model.Tests.Generation;

public class BatchGeneratorTests
{
    private const int Vocab = 12;

    private static GenerationOptions Greedy(params int[] eos) => new() { Sampling = SamplingOptions.Greedy, EosTokenIds = eos };

    [Fact]
    public void Generate_Greedy_FollowsArgmaxSuccessors()
    {
        var model = new BigramMockModel(BigramMockModel.Successors(Vocab));

        var result = BatchGenerator.Generate(model, [new GenerationRequest([4, 7, 2], 5)], Greedy())[0];

        Assert.Equal([3, 4, 5, 6, 7], result.TokenIds);
        Assert.Equal(FinishReason.Length, result.FinishReason);
        Assert.All(result.LogProbs, lp => Assert.Equal(0f, lp));
        Assert.All(result.RawLogProbs, lp => Assert.InRange(lp, -1.5f, -0.01f)); // log_softmax at T = 1 of a clear argmax
    }

    [Fact]
    public void Generate_EosId_StopsIncludingTheEosToken()
    {
        var model = new BigramMockModel(BigramMockModel.Successors(Vocab));

        var result = BatchGenerator.Generate(model, [new GenerationRequest([1], 10)], Greedy(11, 4))[0];

        Assert.Equal([2, 3, 4], result.TokenIds);
        Assert.Equal(FinishReason.Stop, result.FinishReason);
        Assert.Equal(3, result.LogProbs.Length);
    }

    [Fact]
    public void Generate_StopString_StopsOnTheTokenThatCompletesIt()
    {
        var model = new BigramMockModel(BigramMockModel.Successors(Vocab));
        var options = Greedy() with { StopStrings = ["xx", "de"], Decode = ids => string.Concat(ids.Select(i => (char)('a' + i))) };

        var result = BatchGenerator.Generate(model, [new GenerationRequest([1], 10)], options)[0];

        Assert.Equal([2, 3, 4], result.TokenIds); // "cde"
        Assert.Equal("cde", result.Text);
        Assert.Equal(FinishReason.Stop, result.FinishReason);
    }

    [Fact]
    public void Generate_StopStringFarPastTheDecodeWindow_IsFound()
    {
        var model = new BigramMockModel(BigramMockModel.Successors(40)); // 1, 2, …, 39, 0, …
        var options = Greedy() with { StopStrings = ["NO"], Decode = ids => string.Concat(ids.Select(i => (char)('0' + i))) };

        var result = BatchGenerator.Generate(model, [new GenerationRequest([0], 100)], options)[0];

        Assert.Equal(Enumerable.Range(1, 31), result.TokenIds); // 'N' = token 30, 'O' = token 31
        Assert.Equal(FinishReason.Stop, result.FinishReason);
    }

    [Fact]
    public void Generate_StopStringInPromptOnly_DoesNotStop()
    {
        var model = new BigramMockModel(BigramMockModel.Successors(Vocab));
        var options = Greedy() with { StopStrings = ["bc"], Decode = ids => string.Concat(ids.Select(i => (char)('a' + i))) };

        var result = BatchGenerator.Generate(model, [new GenerationRequest([1, 2], 3)], options)[0];

        Assert.Equal([3, 4, 5], result.TokenIds);
        Assert.Equal(FinishReason.Length, result.FinishReason);
    }

    [Fact]
    public void Generate_PerRequestLimits_EachStopsAtItsOwnAndFinishedRowsLeaveTheBatch()
    {
        var model = new BigramMockModel(BigramMockModel.Successors(Vocab));
        GenerationRequest[] requests = [new([0], 2), new([5, 6, 7], 5), new([3], 0), new([8, 9], 10)];

        var results = BatchGenerator.Generate(model, requests, Greedy(11));

        Assert.Equal([1, 2], results[0].TokenIds);
        Assert.Equal([8, 9, 10, 11], results[1].TokenIds);
        Assert.Empty(results[2].TokenIds);
        Assert.Equal([10, 11], results[3].TokenIds);
        Assert.Equal([FinishReason.Length, FinishReason.Stop, FinishReason.Length, FinishReason.Stop], results.Select(r => r.FinishReason));
        // prefill of the 3 live rows; request 0 and 3 are done after 2 tokens; request 1 alone finishes.
        Assert.Equal([3L, 3, 1, 1], model.BatchSizes);
    }

    [Fact]
    public void Generate_Sampling_SameSeedReproduces_DifferentSeedDiffers()
    {
        var flat = Enumerable.Range(0, Vocab).Select(_ => new float[Vocab]).ToArray(); // uniform next token
        var model = new BigramMockModel(flat);
        GenerationRequest[] requests = [new([1], 20), new([2, 3], 20)];

        IReadOnlyList<GenerationResult> Run(ulong seed) => BatchGenerator.Generate(model, requests, new GenerationOptions { Seed = seed });

        Assert.Equal(Run(5).SelectMany(r => r.TokenIds), Run(5).SelectMany(r => r.TokenIds));
        Assert.NotEqual(Run(5).SelectMany(r => r.TokenIds), Run(6).SelectMany(r => r.TokenIds));
        Assert.All(Run(5).SelectMany(r => r.LogProbs), lp => Assert.Equal(-Math.Log(Vocab), lp, 1e-5));
    }

    [Fact]
    public void Generate_Sampling_ARowsTokensDoNotDependOnTheOtherRowsLimits()
    {
        var model = new BigramMockModel(Enumerable.Range(0, Vocab).Select(_ => new float[Vocab]).ToArray()); // uniform next token
        var options = new GenerationOptions { Seed = 11 };

        var allLong = BatchGenerator.Generate(model, [new([1], 20), new([2], 20), new([3], 20)], options);
        var middleShort = BatchGenerator.Generate(model, [new([1], 20), new([2], 3), new([3], 20)], options);

        Assert.Equal(allLong[0].TokenIds, middleShort[0].TokenIds);
        Assert.Equal(allLong[2].TokenIds, middleShort[2].TokenIds);
        Assert.Equal(allLong[1].TokenIds[..3], middleShort[1].TokenIds);
        Assert.Equal([3L, 3, 3, 2], model.BatchSizes.Skip(20).Take(4)); // the second call did drop the short row after 3 tokens
    }

    [Fact]
    public void Generate_Sampling_ARequestWithAStreamDrawsTheSameAloneAsInABatch()
    {
        var model = new BigramMockModel(Enumerable.Range(0, Vocab).Select(_ => new float[Vocab]).ToArray());
        var options = new GenerationOptions { Seed = 12 };
        var request = new GenerationRequest([4], 16) { Stream = 7 };

        var alone = BatchGenerator.Generate(model, [request], options)[0];
        var inBatch = BatchGenerator.Generate(model, [new([1], 5), new([2], 30), request], options)[2];

        Assert.Equal(alone.TokenIds, inBatch.TokenIds);
    }

    [Fact]
    public void Generate_NoDecoder_TextIsNull()
    {
        var model = new BigramMockModel(BigramMockModel.Successors(Vocab));

        var result = BatchGenerator.Generate(model, [new GenerationRequest([1], 1)], Greedy())[0];

        Assert.Null(result.Text);
    }

    [Theory]
    [InlineData(new int[0], 3, "request 0: the prompt is empty")]
    [InlineData(new[] { 1, 12 }, 3, "request 0: token id 12 is outside the vocabulary [0, 12)")]
    [InlineData(new[] { -1 }, 3, "request 0: token id -1 is outside the vocabulary [0, 12)")]
    [InlineData(new[] { 1 }, -1, "request 0: max new tokens must be ≥ 0, got -1")]
    public void Generate_InvalidRequest_ThrowsBeforeTheModelRuns(int[] prompt, int maxNewTokens, string message)
    {
        var model = new BigramMockModel(BigramMockModel.Successors(Vocab));

        var error = Assert.Throws<ArgumentException>(() => BatchGenerator.Generate(model, [new GenerationRequest(prompt, maxNewTokens)], Greedy()));

        Assert.Contains(message, error.Message);
        Assert.Empty(model.BatchSizes);
    }

    [Fact]
    public void Generate_StopStringsWithoutDecoder_Throws()
    {
        var model = new BigramMockModel(BigramMockModel.Successors(Vocab));

        var error = Assert.Throws<ArgumentException>(() =>
            BatchGenerator.Generate(model, [new GenerationRequest([1], 3)], Greedy() with { StopStrings = ["x"] }));

        Assert.Contains("stop strings need a Decode function", error.Message);
    }
}
