using Pipeline.Core.Rewards;
using static Pipeline.Core.Tests.Rewards.Responses;

namespace Pipeline.Core.Tests.Rewards;

public class GroupRewardTests
{
    [Fact]
    public void Kimi_ScalesLengthBetweenGroupMinAndMax()
    {
        // L_min = 100, L_max = 300 → L̃ = 0, 0.5, 1, 0.
        ResponseOutcome[] group = [Right(100), Right(200), Wrong(300), Wrong(100)];

        var rewards = GroupRewards.Kimi(group, alpha: 0.4);

        Approx.Equal([1.2, 1.0, -0.2, 0.0], rewards);
    }

    [Fact]
    public void Kimi_EqualLengths_HaveNoLengthTerm()
    {
        ResponseOutcome[] group = [Right(50), Wrong(50), WrongCut(50)];

        var rewards = GroupRewards.Kimi(group, alpha: 0.4);

        Approx.Equal([1.0, 0.0, 0.0], rewards);
    }

    [Fact]
    public void Kimi_WithAlphaAboveTwo_LetsAShortWrongAnswerOutscoreTheLongestRightOne()
    {
        ResponseOutcome[] group = [Right(300), Wrong(100)];

        var rewards = GroupRewards.Kimi(group, alpha: 2.5);

        Approx.Equal([-0.25, 0.0], rewards);
    }

    [Fact]
    public void AroraZanette_PenalisesByTheSigmoidOfTheZScoreAmongCorrectAnswers()
    {
        // Correct lengths 100 and 300: mean 200, population std 100, z = −1 and +1.
        ResponseOutcome[] group = [Right(100), Right(300), Wrong(50)];

        var rewards = GroupRewards.AroraZanette(group, alpha: 0.2);

        Approx.Equal([1 - (0.2 * Sigmoid(-1)), 1 - (0.2 * Sigmoid(1)), 0.0], rewards);
    }

    [Fact]
    public void AroraZanette_SingleCorrectAnswer_HasZeroZScore()
    {
        ResponseOutcome[] group = [Right(100), Wrong(10)];

        var rewards = GroupRewards.AroraZanette(group, alpha: 0.2);

        Approx.Equal([0.9, 0.0], rewards);
    }

    [Fact]
    public void AroraZanette_NoCorrectAnswer_GivesAllZero()
    {
        ResponseOutcome[] group = [Wrong(100), WrongCut(128)];

        var rewards = GroupRewards.AroraZanette(group, alpha: 0.2);

        Approx.Equal([0.0, 0.0], rewards);
    }

    [Fact]
    public void ShorterBetter_MeasuresDistanceToTheShortestCorrectAnswer()
    {
        ResponseOutcome[] group = [Right(300), Right(100), Wrong(150)];

        var rewards = GroupRewards.ShorterBetter(group, alpha: 2.0, beta: 0.001);

        Approx.Equal([1.8, 2.0, -0.05], rewards);
    }

    [Fact]
    public void ShorterBetter_NoCorrectAnswer_MeasuresDistanceToTheGroupMean()
    {
        ResponseOutcome[] group = [Wrong(100), Wrong(300)];

        var rewards = GroupRewards.ShorterBetter(group, alpha: 2.0, beta: 0.001);

        Approx.Equal([-0.1, -0.1], rewards);
    }

    [Fact]
    public void ShorterBetter_AtDefaultsWithLongRollouts_LetsAWrongAnswerOutscoreARightLongOne()
    {
        ResponseOutcome[] group = [Right(1000), Right(5000), Wrong(1000)];

        var rewards = GroupRewards.ShorterBetter(group, ShapingDefaults.ShorterBetterAlpha, ShapingDefaults.ShorterBetterBeta);

        Approx.Equal([2.0, -2.0, 0.0], rewards);
    }

    [Fact]
    public void GroupSchemes_EmptyGroup_GiveNoRewards()
    {
        ResponseOutcome[] group = [];

        double[][] rewards = [GroupRewards.Kimi(group, 0.4), GroupRewards.AroraZanette(group, 0.1), GroupRewards.ShorterBetter(group, 2, 0.001)];

        Assert.All(rewards, Assert.Empty);
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
