// Hand-written cases for AnswerExtractor: boxes (nested, joined, unclosed), thinking, answer cues, GSM8K hashes,
// bare answers, and the texts that must have no answer at all.
using Pipeline.Core.Verifiers;

namespace Pipeline.Core.Tests.Verifiers;

public sealed class AnswerExtractorTests
{
    [Theory]
    [InlineData("The answer is \\boxed{42}", "42")]
    [InlineData("so $x = \\boxed{\\frac{1}{2}}$.", "\\frac{1}{2}")]
    [InlineData("\\boxed{\\frac{\\sqrt{3}}{\\left(2+1\\right)}} done", "\\frac{\\sqrt{3}}{\\left(2+1\\right)}")]
    [InlineData("the set is \\boxed{\\{1, 2\\}}", "\\{1, 2\\}")]
    [InlineData("First I thought \\boxed{A}, but then I realized it is \\boxed{B}", "B")]
    [InlineData("thus \\boxed 5$.", "5")]
    [InlineData("\\fbox{7}", "7")]
    [InlineData("\\boxed{1}, \\boxed{2}", "1, 2")]
    [InlineData("\\[ \\boxed{-2} \\quad \\text{and} \\quad \\boxed{1}. \\]", "-2, 1")]
    [InlineData("\\(\\boxed{1}\\) and \\(\\boxed{-2}\\).", "1, -2")]
    [InlineData("<|begin_of_box|>17<|end_of_box|>", "17")]
    [InlineData("\\boxed{\\boxed{9}}", "9")]
    public void Extract_BoxedAnswer_ReturnsFinalBoxContent(string response, string expected)
    {
        Assert.Equal(expected, AnswerExtractor.Extract(response));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("This sentence has no answer.")]
    [InlineData("The cost is 10 dollars and the profit is 20 dollars.")]
    [InlineData("The box is empty \\boxed{}")]
    [InlineData("we get \\boxed{12")]
    [InlineData("<think>I guess \\boxed{42} but let me keep going")]
    [InlineData("<think>done</think>   ")]
    public void Extract_NoAnswer_ReturnsNull(string response)
    {
        Assert.Null(AnswerExtractor.Extract(response));
    }

    [Theory]
    [InlineData("<think>maybe \\boxed{1}</think>The answer is \\boxed{2}.", "2")]
    [InlineData("<think>a</think> <think>b \\boxed{1}</think> \\boxed{3}", "3")]
    [InlineData("<think>\\boxed{1}</think>\n#### 5", "5")]
    public void Extract_AfterThinking_UsesOnlyTextAfterLastClose(string response, string expected)
    {
        Assert.Equal(expected, AnswerExtractor.Extract(response));
    }

    [Theory]
    [InlineData("Therefore, the final answer is 100.", "100")]
    [InlineData("My final answer is: 3.14", "3.14")]
    [InlineData("所以，答案是x^2", "x^2")]
    [InlineData("The answer is $\\frac{1}{2}$. Then more words.", "$\\frac{1}{2}$")]
    [InlineData("Final Answer: The final answer is $(0, 1)$. I hope it is correct.", "$(0, 1)$")]
    [InlineData("Final Answer: The largest $n$ is 34.", "34")]
    [InlineData("The answer is 42, but I'm not boxing it.", "42")]
    [InlineData("The answer is 90 degrees.", "90 degrees")]
    [InlineData("**Answer:** 42", "42")]
    [InlineData("Answer \\[ \n 9 \n \\]", "\\[ \n 9 \n \\]")]
    [InlineData("Step 1: add\nStep 2: simplify\nFinal answer: 42", "42")]
    [InlineData("Janet sells 9 eggs.\nShe makes $18.\n#### 1,234", "1,234")]
    public void Extract_AnswerCueWithoutBox_ReturnsCuedAnswer(string response, string expected)
    {
        Assert.Equal(expected, AnswerExtractor.Extract(response));
    }

    [Theory]
    [InlineData("-5", "-5")]
    [InlineData("  123  ", "123")]
    [InlineData("x = 3", "x = 3")]
    [InlineData("28 percent", "28 percent")]
    [InlineData("$1$ and $2$ and $3$", "$1$ and $2$ and $3$")]
    [InlineData("\\text{Evelyn}", "\\text{Evelyn}")]
    [InlineData("$$\\text{The midpoints form a regular hexagon}$$", "$$\\text{The midpoints form a regular hexagon}$$")]
    public void Extract_BareAnswer_ReturnsWholeText(string response, string expected)
    {
        Assert.Equal(expected, AnswerExtractor.Extract(response));
    }

    [Theory]
    [InlineData("Since $2x = 6$, we get $x = \\boxed{3}$.", "3")]
    [InlineData("42", "42")]
    [InlineData("  x = 5  ", "x = 5")]
    [InlineData("answer is 0.6666667", "0.6666667")]
    [InlineData("The answer is \\boxed{}", "")]
    [InlineData("Janet sells 9 eggs.\n#### 18", "18")]
    public void ExtractReference_GoldField_ReturnsItsAnswerPart(string gold, string expected)
    {
        Assert.Equal(expected, AnswerExtractor.ExtractReference(gold));
    }
}
