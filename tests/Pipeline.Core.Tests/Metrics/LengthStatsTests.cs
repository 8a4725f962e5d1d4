using CsCheck;
using Pipeline.Core.Metrics;
using Pipeline.Core.Rewards;
using static Pipeline.Core.Tests.Rewards.Responses;

namespace Pipeline.Core.Tests.Metrics;

public class LengthStatsTests
{
    [Fact]
    public void Compute_MatchesNumpyLinearPercentiles()
    {
        // numpy: mean 2.5, median 2.5, percentile(…, 90) = 3.7.
        var stats = LengthStats.Compute([4, 1, 3, 2]);

        Assert.Equal(new LengthStats(4, 2.5, 2.5, 3.7, 1, 4), stats with { P90 = Math.Round(stats.P90!.Value, 12) });
    }

    [Fact]
    public void Compute_SingleLength_IsEveryStatistic()
    {
        var stats = LengthStats.Compute([7]);

        Assert.Equal(new LengthStats(1, 7, 7, 7, 7, 7), stats);
    }

    [Fact]
    public void Compute_NoLengths_GivesNullStatistics()
    {
        var stats = LengthStats.Compute([]);

        Assert.Equal(new LengthStats(0, null, null, null, null, null), stats);
    }

    [Fact]
    public void Compute_StatisticsAreOrdered()
    {
        Gen.Int[0, 5000].Array[1, 50].Sample(lengths =>
        {
            var s = LengthStats.Compute(lengths);
            return s.Min <= s.Median && s.Median <= s.P90 && s.P90 <= s.Max && s.Min <= s.Mean && s.Mean <= s.Max;
        });
    }

    [Fact]
    public void ByCorrectness_SplitsLengthsByVerdict()
    {
        ResponseOutcome[] responses = [Right(10), Right(30), Wrong(100), WrongCut(128)];

        var stats = LengthStatsByCorrectness.Compute(responses);

        Assert.Equal(4, stats.Overall.Count);
        Assert.Equal(20.0, stats.Correct.Mean);
        Assert.Equal(114.0, stats.Incorrect.Mean);
    }

    [Fact]
    public void ByCorrectness_AllCorrect_LeavesIncorrectEmpty()
    {
        var stats = LengthStatsByCorrectness.Compute([Right(10)]);

        Assert.Equal(LengthStats.Empty, stats.Incorrect);
    }
}
