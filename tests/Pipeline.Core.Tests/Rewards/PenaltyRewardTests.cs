using Pipeline.Core.Rewards;
using static Pipeline.Core.Tests.Rewards.Responses;

namespace Pipeline.Core.Tests.Rewards;

public class PenaltyRewardTests
{
    [Fact]
    public void L1Exact_SubtractsAlphaPerTokenOfDeviationFromTarget()
    {
        ResponseOutcome[] group = [Right(100), Right(300), Wrong(50)];

        var rewards = group.Select(r => PenaltyRewards.L1Exact(r, targetTokens: 100, alpha: 0.001)).ToArray();

        Approx.Equal([1.0, 0.8, -0.05], rewards);
    }

    [Fact]
    public void L1Exact_AtDefaultAlphaWithLongRollouts_LetsAWrongAnswerOnTargetOutscoreARightLongOne()
    {
        ResponseOutcome[] group = [RightCut(16384), Wrong(4096)];

        double[] rewards = [.. group.Select(r => PenaltyRewards.L1Exact(r, targetTokens: 4096, alpha: ShapingDefaults.L1Alpha))];

        Approx.Equal([1 - (0.0003 * 12288), 0], rewards);
        Assert.True(rewards[0] < rewards[1]);
    }

    [Fact]
    public void L1Max_ClipsTheLinearTermToZeroAndOne()
    {
        ResponseOutcome[] group = [Right(100), Right(0), Right(700), Wrong(0)];

        var rewards = group.Select(r => PenaltyRewards.L1Max(r, targetTokens: 100, alpha: 0.001, delta: 0.5)).ToArray();

        Approx.Equal([0.5, 0.6, 0.0, 0.0], rewards);
    }

    [Fact]
    public void L1Max_SaturatesAtOneForVeryShortCorrectAnswers()
    {
        var reward = PenaltyRewards.L1Max(Right(0), targetTokens: 100, alpha: 0.01, delta: 0.5);

        Assert.Equal(1.0, reward);
    }

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(80, 0.0)]
    [InlineData(90, -0.5)]
    [InlineData(100, -1.0)]
    [InlineData(101, -1.0)]
    public void OverlongPenalty_IsZeroThenLinearToMinusOneAtTheLimit(int length, double expected)
    {
        var penalty = PenaltyRewards.OverlongPenalty(length, maxTokens: 100, cacheTokens: 20);

        Assert.Equal(expected, penalty, 12);
    }

    [Fact]
    public void DapoOverlong_AddsThePenaltyToTheCorrectnessReward()
    {
        ResponseOutcome[] group = [Right(80), Right(90), RightCut(100), Wrong(90), Wrong(10)];

        var rewards = group.Select(r => PenaltyRewards.DapoOverlong(r, maxTokens: 100, cacheTokens: 20)).ToArray();

        Approx.Equal([1.0, 0.5, 0.0, -0.5, 0.0], rewards);
    }

    [Fact]
    public void DapoOverlong_CutCorrectAnswerTiesWithShortIncorrectOne()
    {
        ResponseOutcome[] group = [RightCut(100), Wrong(10)];

        double[] rewards = [.. group.Select(r => PenaltyRewards.DapoOverlong(r, maxTokens: 100, cacheTokens: 20))];

        Assert.Equal(0.0, InvariantGap(group, rewards));
    }
}
