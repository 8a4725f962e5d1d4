using CsCheck;
using Pipeline.Core.Metrics;

namespace Pipeline.Core.Tests.Metrics;

public class LengthHistogramTests
{
    [Fact]
    public void Build_BinsAreHalfOpenExceptTheLastWhichIncludesItsRightEdge()
    {
        var histogram = LengthHistogram.Build([0, 9, 10, 20, 25, -1], [0, 10, 20]);

        Assert.Equal([2, 2], histogram.Counts);
        Assert.Equal(1, histogram.Below);
        Assert.Equal(1, histogram.Above);
    }

    [Fact]
    public void UniformEdges_EndExactlyAtTheUpperBound()
    {
        Assert.Equal([0, 16, 32, 40], LengthHistogram.UniformEdges(16, 40));
    }

    [Fact]
    public void Build_WithBinWidth_PutsALengthAtTheLimitInTheLastBin()
    {
        var histogram = LengthHistogram.Build([128, 0, 127], binWidth: 64, upperBound: 128);

        Assert.Equal([1, 2], histogram.Counts);
    }

    [Theory]
    [InlineData(new[] { 5 })]
    [InlineData(new[] { 0, 10, 10 })]
    [InlineData(new[] { 10, 0 })]
    public void Build_InvalidEdges_Throw(int[] edges)
    {
        Assert.Throws<ArgumentException>(() => LengthHistogram.Build([1], edges));
    }

    [Fact]
    public void Build_CountsEveryLengthExactlyOnce()
    {
        Gen.Select(Gen.Int[-50, 600].Array[0, 100], Gen.Int[1, 100]).Sample((lengths, width) =>
        {
            var h = LengthHistogram.Build(lengths, width, 512);
            return h.Counts.Sum() + h.Below + h.Above == lengths.Length;
        });
    }
}
