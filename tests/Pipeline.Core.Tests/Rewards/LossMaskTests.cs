using Pipeline.Core.Rewards;
using Pipeline.Core.Spec;
using static Pipeline.Core.Tests.Rewards.Responses;

namespace Pipeline.Core.Tests.Rewards;

public class LossMaskTests
{
    // One group holding each cell of PAPER.md Table 1 (target 100): correct&short, correct&long, incorrect&short, incorrect&long.
    private static readonly ResponseOutcome[] Table1Group = [Right(60), Right(150), Wrong(60), Wrong(150)];

    [Theory]
    [InlineData(MaskStrategy.None, true, true, true, true)]
    [InlineData(MaskStrategy.ExcludeIncorrect, true, true, false, false)]
    [InlineData(MaskStrategy.ExcludeLongCorrect, true, false, true, true)]
    [InlineData(MaskStrategy.ExcludeLongCorrectShortIncorrect, true, false, false, true)]
    [InlineData(MaskStrategy.ExcludeLongCorrectLongIncorrect, true, false, true, false)]
    public void Compute_FollowsPaperTable1(MaskStrategy strategy, bool correctShort, bool correctLong, bool incorrectShort, bool incorrectLong)
    {
        var mask = LossMasks.Compute(strategy, Table1Group, targetTokens: 100);

        Assert.Equal([correctShort, correctLong, incorrectShort, incorrectLong], mask);
    }

    [Fact]
    public void Compute_ResponseCutAtTheLimit_IsLongWhateverItsLength()
    {
        ResponseOutcome[] group = [RightCut(50), WrongCut(50)];

        var mask = LossMasks.Compute(MaskStrategy.ExcludeLongCorrectLongIncorrect, group, targetTokens: 100);

        Assert.Equal([false, false], mask);
    }

    [Fact]
    public void Compute_LengthEqualToTarget_IsShort()
    {
        ResponseOutcome[] group = [Right(100), Right(101)];

        var mask = LossMasks.Compute(MaskStrategy.ExcludeLongCorrect, group, targetTokens: 100);

        Assert.Equal([true, false], mask);
    }

    [Fact]
    public void Compute_TargetBelowOne_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LossMasks.Compute(MaskStrategy.None, [Right(1)], 0));
    }
}
