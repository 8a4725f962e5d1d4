using Pipeline.Core.Rewards;
using static Pipeline.Core.Tests.Rewards.Responses;

namespace Pipeline.Core.Tests.Rewards;

public class StepRewardTests
{
    [Fact]
    public void Vanilla_IsOneForCorrectAndZeroForIncorrect()
    {
        var rewards = new[] { Right(10), Wrong(10), RightCut(128) }.Select(StepRewards.Vanilla).ToArray();

        Approx.Equal([1, 0, 1], rewards);
    }

    [Fact]
    public void Truncation_RewardsOnlyCorrectAnswersFinishedWithinTarget()
    {
        ResponseOutcome[] group = [Right(50), Right(100), Right(101), RightCut(80), Wrong(50)];

        var rewards = group.Select(r => StepRewards.Truncation(r, targetTokens: 100)).ToArray();

        Approx.Equal([1, 1, 0, 0, 0], rewards);
    }

    [Theory]
    [InlineData(0, 400)]
    [InlineData(9, 400)]
    [InlineData(10, 300)]
    [InlineData(19, 300)]
    [InlineData(20, 200)]
    [InlineData(1000, 200)]
    public void ThinkPruneLimit_IsTheLatestStageStartedByTheStep(int step, int expected)
    {
        LimitStage[] schedule = [new(20, 200), new(10, 300)];

        var limit = StepRewards.ThinkPruneLimit(schedule, step, rolloutMaxTokens: 400);

        Assert.Equal(expected, limit);
    }

    [Fact]
    public void ThinkPrune_TightensTheTruncationLimitOverSteps()
    {
        LimitStage[] schedule = [new(10, 300), new(20, 200)];
        var answer = Right(250);

        double[] rewards = [.. new[] { 5, 15, 25 }.Select(step => StepRewards.ThinkPrune(answer, schedule, step, 400))];

        Approx.Equal([1, 1, 0], rewards);
    }

    [Fact]
    public void Laser_AddsAlphaForCorrectAnswersStrictlyShorterThanTarget()
    {
        ResponseOutcome[] group = [Right(99), Right(100), RightCut(50), Wrong(50)];

        var rewards = group.Select(r => StepRewards.Laser(r, targetTokens: 100, alpha: 0.5)).ToArray();

        Approx.Equal([1.5, 1.0, 1.0, 0], rewards);
    }

    [Fact]
    public void LaserD_AsWrittenInPaper_GivesAlphaToLongIncorrectAnswers()
    {
        ResponseOutcome[] group = [Right(99), Right(100), Wrong(99), Wrong(100), WrongCut(50)];

        var rewards = group.Select(r => StepRewards.LaserD(r, targetTokens: 100, alpha: 0.5)).ToArray();

        Approx.Equal([1.5, 1.0, 0, 0.5, 0.5], rewards);
    }

    [Fact]
    public void LaserD_WithAlphaAboveOne_LetsALongWrongAnswerOutscoreALongRightOne()
    {
        ResponseOutcome[] group = [Right(200), Wrong(200)];

        double[] rewards = [.. group.Select(r => StepRewards.LaserD(r, targetTokens: 100, alpha: 1.5))];

        Assert.True(InvariantGap(group, rewards) < 0);
    }
}
