using Pipeline.Core.Advantages;
using Pipeline.Core.Spec;
using Pipeline.Core.Tests.Rewards;

namespace Pipeline.Core.Tests.Advantages;

public class AdvantageEstimatorTests
{
    private static readonly AdvantageSpec NoEpsilon = new() { Epsilon = 0 };
    private static readonly AdvantageSpec UnmaskedStatsOnly = new() { Epsilon = 0, MaskedInGroupStats = false };

    [Fact]
    public void Grpo_LonePositiveInAHardGroup_GetsALargerAdvantageThanInAnEasyGroup()
    {
        // PAPER.md: the positive in {1,0,0,0} gets a larger advantage than in {1,1,1,0}. Population std √(3/16).
        var hard = AdvantageEstimator.Compute(AdvantageAlgorithm.Grpo, [1, 0, 0, 0], Trains(4), NoEpsilon);
        var easy = AdvantageEstimator.Compute(AdvantageAlgorithm.Grpo, [1, 1, 1, 0], Trains(4), NoEpsilon);

        Approx.Equal([Math.Sqrt(3), -1 / Math.Sqrt(3), -1 / Math.Sqrt(3), -1 / Math.Sqrt(3)], hard);
        Approx.Equal([1 / Math.Sqrt(3), 1 / Math.Sqrt(3), 1 / Math.Sqrt(3), -Math.Sqrt(3)], easy);
        Assert.True(hard[0] > easy[0]);
    }

    [Fact]
    public void Grpo_TwoGroupsOfThree_MatchHandComputedValues()
    {
        // {1,0,0}: mean 1/3, std √2/3. {0.5,1,0}: mean 0.5, std √(1/6).
        var first = AdvantageEstimator.Compute(AdvantageAlgorithm.Grpo, [1, 0, 0], Trains(3), NoEpsilon);
        var second = AdvantageEstimator.Compute(AdvantageAlgorithm.Grpo, [0.5, 1, 0], Trains(3), NoEpsilon);

        Approx.Equal([Math.Sqrt(2), -Math.Sqrt(2) / 2, -Math.Sqrt(2) / 2], first);
        Approx.Equal([0, Math.Sqrt(1.5), -Math.Sqrt(1.5)], second);
    }

    [Fact]
    public void Grpo_Epsilon_IsAddedToTheStd()
    {
        var advantages = AdvantageEstimator.Compute(AdvantageAlgorithm.Grpo, [1, 0], Trains(2), new AdvantageSpec { Epsilon = 0.5 });

        Approx.Equal([0.5, -0.5], advantages);
    }

    [Fact]
    public void DrGrpo_TwoGroupsOfThree_SubtractTheMean()
    {
        var first = AdvantageEstimator.Compute(AdvantageAlgorithm.DrGrpo, [1, 0, 0], Trains(3), NoEpsilon);
        var second = AdvantageEstimator.Compute(AdvantageAlgorithm.DrGrpo, [0.5, 1, 0], Trains(3), NoEpsilon);

        Approx.Equal([2.0 / 3, -1.0 / 3, -1.0 / 3], first);
        Approx.Equal([0, 0.5, -0.5], second);
    }

    [Fact]
    public void Rloo_TwoGroupsOfThree_SubtractTheMeanOfTheOthers()
    {
        var first = AdvantageEstimator.Compute(AdvantageAlgorithm.Rloo, [1, 0, 0], Trains(3), NoEpsilon);
        var second = AdvantageEstimator.Compute(AdvantageAlgorithm.Rloo, [0.5, 1, 0], Trains(3), NoEpsilon);

        Approx.Equal([1, -0.5, -0.5], first);
        Approx.Equal([0, 0.75, -0.75], second);
    }

    [Theory]
    [InlineData(AdvantageAlgorithm.Grpo)]
    [InlineData(AdvantageAlgorithm.DrGrpo)]
    [InlineData(AdvantageAlgorithm.Rloo)]
    public void Compute_AllRewardsEqual_GivesExactlyZero(AdvantageAlgorithm algorithm)
    {
        var advantages = AdvantageEstimator.Compute(algorithm, [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], Trains(7), new AdvantageSpec());

        Assert.All(advantages, a => Assert.Equal(0.0, a));
    }

    [Fact]
    public void Compute_MaskedInGroupStats_MaskedCountInStatsButGetZero()
    {
        // −I on {1,0,0,0}: only the positive trains, with the advantage it has in the whole group.
        var advantages = AdvantageEstimator.Compute(AdvantageAlgorithm.Grpo, [1, 0, 0, 0], [true, false, false, false], NoEpsilon);

        Approx.Equal([Math.Sqrt(3), 0, 0, 0], advantages);
    }

    [Fact]
    public void Compute_MaskedOutOfGroupStats_StatsUseOnlyUnmaskedResponses()
    {
        // Stats over {1, 0, 1}: mean 2/3, std √2/3.
        var advantages = AdvantageEstimator.Compute(AdvantageAlgorithm.Grpo, [1, 0, 1, 0], [true, true, true, false], UnmaskedStatsOnly);

        Approx.Equal([Math.Sqrt(2) / 2, -Math.Sqrt(2), Math.Sqrt(2) / 2, 0], advantages);
    }

    [Theory]
    [InlineData(AdvantageAlgorithm.Grpo)]
    [InlineData(AdvantageAlgorithm.DrGrpo)]
    [InlineData(AdvantageAlgorithm.Rloo)]
    public void Compute_OneUnmaskedResponseOutOfGroupStats_GivesZero(AdvantageAlgorithm algorithm)
    {
        var advantages = AdvantageEstimator.Compute(algorithm, [1, 0, 0], [true, false, false], UnmaskedStatsOnly);

        Assert.All(advantages, a => Assert.Equal(0.0, a));
    }

    [Theory]
    [InlineData(AdvantageAlgorithm.Grpo)]
    [InlineData(AdvantageAlgorithm.DrGrpo)]
    [InlineData(AdvantageAlgorithm.Rloo)]
    public void Compute_GroupOfOne_GivesZero(AdvantageAlgorithm algorithm)
    {
        var advantages = AdvantageEstimator.Compute(algorithm, [1], [true], new AdvantageSpec());

        Assert.Equal([0.0], advantages);
    }

    [Fact]
    public void Compute_EmptyGroup_GivesNoAdvantages()
    {
        var advantages = AdvantageEstimator.Compute(AdvantageAlgorithm.Grpo, [], [], new AdvantageSpec());

        Assert.Empty(advantages);
    }

    [Fact]
    public void Compute_MaskOfAnotherLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => AdvantageEstimator.Compute(AdvantageAlgorithm.Grpo, [1, 0], [true], new AdvantageSpec()));
    }

    [Fact]
    public void Compute_NonFiniteReward_Throws()
    {
        Assert.Throws<ArgumentException>(() => AdvantageEstimator.Compute(AdvantageAlgorithm.Grpo, [1, double.NaN], Trains(2), new AdvantageSpec()));
    }

    [Fact]
    public void Compute_NegativeEpsilon_Throws()
    {
        Assert.Throws<ArgumentException>(() => AdvantageEstimator.Compute(AdvantageAlgorithm.Grpo, [1, 0], Trains(2), new AdvantageSpec { Epsilon = -1 }));
    }

    internal static bool[] Trains(int count) => Enumerable.Repeat(true, count).ToArray();
}
