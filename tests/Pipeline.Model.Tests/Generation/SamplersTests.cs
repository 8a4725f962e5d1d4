// The samplers as pure functions over known logits rows: which tokens each filter keeps, what the draws look like,
// and which log-probabilities are reported.
using Pipeline.Model.Generation;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Tests.Generation;

public class SamplersTests
{
    // Probabilities 0.5, 0.3, 0.15, 0.05 (logits = log p).
    private static readonly float[] Row = [MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.15f), MathF.Log(0.05f)];

    [Theory]
    [InlineData(1, new[] { 0 })]
    [InlineData(2, new[] { 0, 1 })]
    [InlineData(3, new[] { 0, 1, 2 })]
    [InlineData(0, new[] { 0, 1, 2, 3 })]
    [InlineData(9, new[] { 0, 1, 2, 3 })]
    public void TopK_KeepsExactlyTheKLargest(int k, int[] kept)
    {
        using var logits = torch.tensor(Row);

        using var filtered = Samplers.TopK(logits, k);

        Assert.Equal(kept, Support(filtered));
    }

    [Fact]
    public void TopK_TiesWithTheKthAreKept()
    {
        using var logits = torch.tensor(new[] { 3f, 2f, 2f, 0f });

        using var filtered = Samplers.TopK(logits, 2);

        Assert.Equal([0, 1, 2], Support(filtered)); // as HF: drop only logits strictly below the k-th
    }

    [Theory]
    [InlineData(0.3f, new[] { 0 })]       // mass above token 1 is 0.5 ≥ 0.3
    [InlineData(0.75f, new[] { 0, 1 })]   // above token 2: 0.8 ≥ 0.75
    [InlineData(0.85f, new[] { 0, 1, 2 })] // above token 3: 0.95 ≥ 0.85
    [InlineData(0.99f, new[] { 0, 1, 2, 3 })]
    [InlineData(1f, new[] { 0, 1, 2, 3 })]
    public void TopP_KeepsTheSmallestPrefixReachingP(float p, int[] kept)
    {
        using var logits = torch.tensor(new[] { Row[2], Row[0], Row[3], Row[1] }); // shuffled: support is by probability, not index
        var byIndex = kept.Select(k => new[] { 1, 3, 0, 2 }[k]).Order().ToArray();

        using var filtered = Samplers.TopP(logits, p);

        Assert.Equal(byIndex, Support(filtered));
    }

    [Fact]
    public void Sample_Greedy_PicksArgmaxWithPointMassLogProb()
    {
        using var logits = torch.tensor(new[] { 0f, 2f, 1f, 5f, -1f, 3f }, [2, 3]);

        var sampled = Samplers.Sample(logits, SamplingOptions.Greedy, null);

        Assert.Equal([1L, 0], sampled.TokenIds.data<long>().ToArray());
        Assert.Equal([0f, 0f], sampled.LogProbs.data<float>().ToArray());
        Assert.Equal(LogSoftmax([0f, 2f, 1f], 1)[1], sampled.RawLogProbs[0].item<float>(), 1e-6);
    }

    [Fact]
    public void Sample_Temperature_FrequenciesAndLogProbsFollowSoftmaxOfScaledLogits()
    {
        const int draws = 4000;
        using var logits = torch.tensor(Row).unsqueeze(0).expand(draws, 4); // (draws, V): one row per draw
        using var generator = new Generator(7, torch.CPU);
        var options = new SamplingOptions { Temperature = 2 };

        var sampled = Samplers.Sample(logits, options, generator);

        var expected = LogSoftmax(Row, 2);
        var tokens = sampled.TokenIds.data<long>().ToArray();
        for (var v = 0; v < 4; v++) Assert.Equal(Math.Exp(expected[v]), tokens.Count(t => t == v) / (double)draws, 0.03);
        var logProbs = sampled.LogProbs.data<float>().ToArray();
        Assert.All(tokens.Zip(logProbs), p => Assert.Equal(expected[p.First], p.Second, 1e-5));
        Assert.Equal(logProbs, sampled.RawLogProbs.data<float>().ToArray()); // no top-k/top-p: same distribution
    }

    [Fact]
    public void Sample_TopKAndTopP_DrawOnlyFromSupportWithRenormalisedLogProbs()
    {
        const int draws = 2000;
        using var logits = torch.tensor(Row).unsqueeze(0).expand(draws, 4);
        using var generator = new Generator(8, torch.CPU);
        var options = new SamplingOptions { Temperature = 1, TopK = 3, TopP = 0.75f }; // top-k {0,1,2}, then top-p {0,1}

        var sampled = Samplers.Sample(logits, options, generator);

        var tokens = sampled.TokenIds.data<long>().ToArray();
        Assert.Equal([0L, 1], tokens.Distinct().Order());
        var logProbs = sampled.LogProbs.data<float>().ToArray();
        var raw = sampled.RawLogProbs.data<float>().ToArray();
        for (var i = 0; i < draws; i++)
        {
            Assert.Equal(Math.Log(tokens[i] == 0 ? 0.5 / 0.8 : 0.3 / 0.8), logProbs[i], 1e-5); // renormalised over the support
            Assert.Equal(Math.Log(tokens[i] == 0 ? 0.5 : 0.3), raw[i], 1e-5); // temperature only
        }
    }

    [Fact]
    public void Sample_SameSeed_SameDraws()
    {
        using var logits = torch.zeros(64, 50);

        long[] Draw(ulong seed)
        {
            using var generator = new Generator(seed, torch.CPU);
            return Samplers.Sample(logits, new SamplingOptions(), generator).TokenIds.data<long>().ToArray();
        }

        Assert.Equal(Draw(3), Draw(3));
        Assert.NotEqual(Draw(3), Draw(4));
    }

    [Theory]
    [InlineData(0.0, 0L)]
    [InlineData(0.49, 0L)]
    [InlineData(0.51, 1L)]  // past the CDF's 0.5 at token 0
    [InlineData(0.79, 1L)]
    [InlineData(0.81, 2L)]
    [InlineData(0.9999999, 2L)] // top-k 3 leaves token 3 with probability 0: never drawn, even at u → 1
    public void SampleFromUniforms_PicksTheFirstTokenWhoseCdfExceedsU(double u, long expected)
    {
        using var logits = torch.tensor(new[] { MathF.Log(0.5f), MathF.Log(0.3f), MathF.Log(0.2f), MathF.Log(0.1f) }).unsqueeze(0); // (1, 4)
        var options = new SamplingOptions { TopK = 3 }; // support {0, 1, 2}, renormalised to 0.5, 0.3, 0.2

        var sampled = Samplers.SampleFromUniforms(logits, options, torch.tensor(new[] { u }));

        Assert.Equal(expected, sampled.TokenIds[0].item<long>());
    }

    [Fact]
    public void SampleFromUniforms_EachRowUsesOnlyItsOwnUniform()
    {
        using var logits = torch.tensor(Row).unsqueeze(0).expand(3, 4); // (3, V)

        var together = Samplers.SampleFromUniforms(logits, new SamplingOptions(), torch.tensor(new[] { 0.1, 0.6, 0.99 })).TokenIds.data<long>().ToArray();
        var alone = Samplers.SampleFromUniforms(logits.narrow(0, 1, 1), new SamplingOptions(), torch.tensor(new[] { 0.6 })).TokenIds.data<long>().ToArray();

        Assert.Equal([0L, 1, 3], together);
        Assert.Equal([1L], alone);
    }

    [Fact]
    public void CounterUniforms_AreUniformAndAddressedByTheirKey()
    {
        var draws = Enumerable.Range(0, 20_000).Select(i => CounterUniforms.At(5, (ulong)(i % 7), i / 7)).ToArray();

        Assert.All(draws, u => Assert.InRange(u, 0.0, 1.0 - 1e-17));
        Assert.Equal(0.5, draws.Average(), 0.01);
        Assert.Equal(1.0 / 12, draws.Select(u => (u - 0.5) * (u - 0.5)).Average(), 0.005); // variance of U(0, 1)
        Assert.Equal(CounterUniforms.At(5, 3, 10), CounterUniforms.At(5, 3, 10));
        Assert.NotEqual(CounterUniforms.At(5, 3, 10), CounterUniforms.At(5, 4, 10));
        Assert.NotEqual(CounterUniforms.At(5, 3, 10), CounterUniforms.At(6, 3, 10));
    }

    [Theory]
    [InlineData(-0.5f, 1f, 0)]
    [InlineData(1f, 0f, 0)]
    [InlineData(1f, 1.5f, 0)]
    [InlineData(1f, 1f, -2)]
    public void SamplingOptions_OutOfRange_ReportProblems(float temperature, float topP, int topK)
    {
        var options = new SamplingOptions { Temperature = temperature, TopP = topP, TopK = topK };

        Assert.Single(options.Problems());
    }

    private static int[] Support(Tensor filtered) =>
        filtered.data<float>().ToArray().Select((v, i) => (v, i)).Where(p => !float.IsNegativeInfinity(p.v)).Select(p => p.i).ToArray();

    private static double[] LogSoftmax(float[] row, double temperature)
    {
        var scaled = row.Select(v => v / temperature).ToArray();
        var logSum = Math.Log(scaled.Sum(Math.Exp));
        return scaled.Select(v => v - logSum).ToArray();
    }
}
