using Pipeline.Core.Spec;
using Pipeline.Core.Tasks.Arith;

namespace Pipeline.Core.Tests.Tasks;

public class ArithTaskTests
{
    [Fact]
    public void Problems_SameArguments_AreIdentical()
    {
        var first = ArithTask.Problems("train", Difficulty.Easy, 50).Select(p => p.Expression);
        var second = ArithTask.Problems("train", Difficulty.Easy, 50).Select(p => p.Expression);

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData(Difficulty.Easy)]
    [InlineData(Difficulty.Hard)]
    [InlineData(Difficulty.Mixed)]
    public void Problems_TrainAndTest_AreDisjointAndDistinct(Difficulty difficulty)
    {
        var train = ArithTask.Problems("train", difficulty, 1000).Select(p => p.Expression).ToList();
        var test = ArithTask.Problems("test", difficulty, 200).Select(p => p.Expression).ToList();

        Assert.Empty(train.Intersect(test));
        Assert.Equal(train.Count, train.Distinct().Count());
        Assert.Equal(test.Count, test.Distinct().Count());
        Assert.All(test, e => Assert.True(ArithTask.IsTest(e)));
    }

    [Fact]
    public void Problems_EveryRunningValue_IsNonNegativeAndAnswerMatches()
    {
        var problems = ArithTask.Problems("train", Difficulty.Mixed, 500);

        Assert.All(problems, p => Assert.All(p.RunningValues, v => Assert.True(v >= 0)));
        Assert.All(problems, p => Assert.Equal(EvaluateLeftToRight(p.Expression), p.Answer));
    }

    [Fact]
    public void Levels_HarderMeansMoreStepsAndLargerNumbers()
    {
        var easy = ArithTask.Problems("train", Difficulty.Easy, 300);
        var hard = ArithTask.Problems("train", Difficulty.Hard, 300);

        Assert.All(easy, p => Assert.InRange(p.Operands.Count, 2, 3));
        Assert.All(hard, p => Assert.InRange(p.Operands.Count, 4, 6));
        Assert.True(hard.Average(p => p.Operands.Max()) > 2 * easy.Average(p => p.Operands.Max()));
    }

    [Fact]
    public void Problems_MoreThanTheLevelHolds_SaysSo()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ArithTask.Problems("test", Difficulty.Easy, 5000));

        Assert.Contains("distinct problems", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToProblem_LooksLikeAMathPrompt()
    {
        var problem = new ArithProblem([7, 5, 3], ['+', '-'], "easy").ToProblem();

        Assert.Equal("What is 7+5-3?", problem.Text);
        Assert.Equal("9", problem.Answer);
        Assert.Equal("What is 7+5-3? Let's think step by step and output the final answer within \\boxed{}.",
            Pipeline.Core.Tasks.PromptTemplate.Math.Render(problem));
    }

    private static int EvaluateLeftToRight(string expression)
    {
        var tokens = System.Text.RegularExpressions.Regex.Split(expression, "([+-])");
        var value = int.Parse(tokens[0], System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 1; i < tokens.Length; i += 2)
            value = ArithProblem.Apply(value, tokens[i][0], int.Parse(tokens[i + 1], System.Globalization.CultureInfo.InvariantCulture));
        return value;
    }
}
