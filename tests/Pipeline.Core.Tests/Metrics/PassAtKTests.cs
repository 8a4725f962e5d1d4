using CsCheck;
using Pipeline.Core.Metrics;

namespace Pipeline.Core.Tests.Metrics;

public class PassAtKTests
{
    private static readonly Gen<(int N, int C, int K)> Cases =
        from n in Gen.Int[1, 200]
        from c in Gen.Int[0, n]
        from k in Gen.Int[1, n]
        select (n, c, k);

    [Theory]
    [InlineData(8, 0, 8, 0.0)]
    [InlineData(8, 1, 8, 1.0)]
    [InlineData(5, 2, 2, 0.7)]   // 1 − C(3,2)/C(5,2) = 1 − 3/10
    [InlineData(10, 3, 1, 0.3)]
    [InlineData(4, 1, 2, 0.5)]   // 1 − C(3,2)/C(4,2) = 1 − 3/6
    public void Unbiased_MatchesTheBinomialFormula(int n, int c, int k, double expected)
    {
        Assert.Equal(expected, PassAtK.Unbiased(n, c, k), 12);
    }

    [Fact]
    public void Unbiased_LargeCounts_StayFiniteAndInRange()
    {
        var value = PassAtK.Unbiased(1000, 500, 100);

        Assert.InRange(value, 0.0, 1.0);
    }

    [Fact]
    public void Unbiased_FewerSamplesThanK_ThrowsNamingBoth()
    {
        var error = Assert.Throws<ArgumentException>(() => PassAtK.Unbiased(4, 2, 8));

        Assert.Contains("k = 8", error.Message, StringComparison.Ordinal);
        Assert.Contains("n = 4", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(8, -1, 1)]
    [InlineData(8, 9, 1)]
    [InlineData(8, 1, 0)]
    public void Unbiased_InvalidCounts_Throw(int n, int c, int k)
    {
        Assert.Throws<ArgumentException>(() => PassAtK.Unbiased(n, c, k));
    }

    [Fact]
    public void Unbiased_IsAProbability()
    {
        Cases.Sample(t => PassAtK.Unbiased(t.N, t.C, t.K) is >= 0 and <= 1);
    }

    [Fact]
    public void Unbiased_IsMonotoneInCorrectCount()
    {
        Cases.Where(t => t.C < t.N).Sample(t => PassAtK.Unbiased(t.N, t.C, t.K) <= PassAtK.Unbiased(t.N, t.C + 1, t.K));
    }

    [Fact]
    public void Unbiased_IsMonotoneInK()
    {
        Cases.Where(t => t.K < t.N).Sample(t => PassAtK.Unbiased(t.N, t.C, t.K) <= PassAtK.Unbiased(t.N, t.C, t.K + 1));
    }

    [Fact]
    public void Unbiased_IsOneWhenEveryKSubsetHoldsACorrectSample()
    {
        Cases.Where(t => t.N - t.C < t.K).Sample(t => PassAtK.Unbiased(t.N, t.C, t.K) == 1.0);
    }

    [Fact]
    public void Unbiased_PassAtOneIsTheFractionCorrect()
    {
        Cases.Sample(t => Math.Abs(PassAtK.Unbiased(t.N, t.C, 1) - ((double)t.C / t.N)) < 1e-12);
    }

    [Fact]
    public void MeanAtK_IsTheFractionCorrect()
    {
        Assert.Equal(0.375, PassAtK.MeanAtK(8, 3));
    }

    [Fact]
    public void Averages_OverProblems_WeighEachProblemEqually()
    {
        SampleCounts[] problems = [new(8, 8), new(8, 0), new(8, 2)];

        Assert.Equal((1 + 0 + 0.25) / 3, PassAtK.AverageMeanAtK(problems)!.Value, 12);
        Assert.Equal((1 + 0 + 1) / 3.0, PassAtK.AveragePassAtK(problems, 8)!.Value, 12);
    }

    [Fact]
    public void Averages_NoProblems_AreNull()
    {
        Assert.Null(PassAtK.AverageMeanAtK([]));
        Assert.Null(PassAtK.AveragePassAtK([], 8));
    }
}
