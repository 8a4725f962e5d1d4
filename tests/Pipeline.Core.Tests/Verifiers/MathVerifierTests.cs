// Whole-response cases for the `math` verifier: the nasty cases of RL rollouts (no box, nested braces, \frac vs
// a/b, trailing text, thousands separators, </think> handling, units, degrees, percent, sets vs tuples,
// intervals, expressions) and the Extracted field.
using Pipeline.Core.Spec;
using Pipeline.Core.Verifiers;

namespace Pipeline.Core.Tests.Verifiers;

public sealed class MathVerifierTests
{
    private readonly IVerifier _verifier = VerifierRegistry.Create(VerifierKind.Math);

    [Fact]
    public void Verify_NoBoxedAnswer_IsIncorrect()
    {
        var verdict = _verifier.Verify("I computed many things like 3 and 7 and then 42 appeared at the end 42", "42");

        Assert.False(verdict.Correct);
        Assert.Null(verdict.Extracted);
    }

    [Fact]
    public void Verify_UnfinishedThinking_IsIncorrect()
    {
        var verdict = _verifier.Verify("<think>so the answer should be \\boxed{42} but wait", "42");

        Assert.False(verdict.Correct);
        Assert.Null(verdict.Extracted);
    }

    [Fact]
    public void Verify_BoxOnlyInsideThinking_IsNotTheAnswer()
    {
        var verdict = _verifier.Verify("<think>maybe \\boxed{42}</think>\nThe answer is \\boxed{41}.", "42");

        Assert.False(verdict.Correct);
        Assert.Equal("41", verdict.Extracted);
    }

    [Fact]
    public void Verify_CorrectBoxedAnswer_ReportsExtractedText()
    {
        var verdict = _verifier.Verify("<think>2 + 2 = 4</think>\nThe answer is \\boxed{4}.", "4");

        Assert.True(verdict.Correct);
        Assert.Equal("4", verdict.Extracted);
    }

    [Theory]
    [InlineData("Thus $x = \\boxed{\\frac{3}{4}}$.", "3/4")]
    [InlineData("Hence \\boxed{\\left(3, \\frac{\\pi}{2}\\right)}.", "(3, \\frac{\\pi}{2})")]
    [InlineData("So \\boxed{42}. Let me double-check: 6 times 7 is 42, yes.", "42")]
    [InlineData("The total is \\boxed{1,000} dollars.", "1000")]
    [InlineData("The total is \\boxed{\\$32,\\!348}.", "32348")]
    [InlineData("The angle is \\boxed{90^\\circ}.", "90")]
    [InlineData("The area is \\boxed{15\\text{ cm}^2}.", "15")]
    [InlineData("A loss of \\boxed{28\\%}.", "28")]
    [InlineData("The roots are \\boxed{-2, 1}.", "1, -2")]
    [InlineData("The solutions are \\boxed{(1, 2)}, \\boxed{(2, 1)}.", "(2,1),(1,2)")]
    [InlineData("The domain is \\boxed{[-3, 2]}.", "[-3,2]")]
    [InlineData("It factors as \\boxed{(x-2)(x+2)}.", "x^2 - 4")]
    [InlineData("\\boxed{25}", "025")]
    [InlineData("She makes 9 * 2 = 18 dollars.\n#### 18", "18")]
    [InlineData("-5", "-5")]
    public void Verify_EquivalentAnswer_IsCorrect(string response, string gold)
    {
        Assert.True(_verifier.Verify(response, gold).Correct);
    }

    [Theory]
    [InlineData("The domain is \\boxed{(-3, 2]}.", "[-3,2]")]
    [InlineData("The point is \\boxed{(2, 1)}.", "(1, 2)")]
    [InlineData("Thus \\boxed{\\frac{1}{3}}.", "0.33")]
    [InlineData("So \\boxed{x + 1}.", "x - 1")]
    [InlineData("So \\boxed{12,000,023}.", "12000024")]
    [InlineData("So \\boxed{42}.", "")]
    public void Verify_DifferentAnswer_IsIncorrect(string response, string gold)
    {
        Assert.False(_verifier.Verify(response, gold).Correct);
    }

    [Fact]
    public void Verify_GoldIsWorkedSolution_ComparesWithItsFinalBox()
    {
        const string solution = "Since $2x = 6$, we divide by two. Thus $x = \\boxed{3}$.";

        Assert.True(_verifier.Verify("The answer is $3$.", solution).Correct);
    }
}
