using Pipeline.Core.Metrics;
using Pipeline.Core.Rewards;
using static Pipeline.Core.Tests.Rewards.Responses;

namespace Pipeline.Core.Tests.Metrics;

public class BatchRatesTests
{
    [Fact]
    public void TruncationRate_IsTheFractionCutAtTheLimit()
    {
        ResponseOutcome[] responses = [Right(10), RightCut(128), WrongCut(128), Wrong(5)];

        Assert.Equal(0.5, BatchRates.TruncationRate(responses));
    }

    [Fact]
    public void PositiveRewardDensity_CountsOnlyStrictlyPositiveRewards()
    {
        Assert.Equal(0.25, BatchRates.PositiveRewardDensity([1.0, 0.0, -0.2, 0.0]));
    }

    [Fact]
    public void ZeroVarianceGroupFraction_CountsGroupsWithAllRewardsEqual()
    {
        IReadOnlyList<double>[] groups = [[1, 1, 1], [0, 0, 0], [1, 0, 0], [0.5]];

        Assert.Equal(0.75, BatchRates.ZeroVarianceGroupFraction(groups));
    }

    [Fact]
    public void Rates_OfNothing_AreNull()
    {
        Assert.Null(BatchRates.TruncationRate([]));
        Assert.Null(BatchRates.PositiveRewardDensity([]));
        Assert.Null(BatchRates.ZeroVarianceGroupFraction([]));
    }
}
