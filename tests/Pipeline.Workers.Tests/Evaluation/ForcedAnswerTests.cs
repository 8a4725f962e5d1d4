// force-answer's cut-and-append construction on the shipped model's tokenizer, what the verifier then judges, and the
// mode end to end: forcing an answer at a small budget recovers answers the model had already worked out.
using Pipeline.Core.Spec;
using Pipeline.Core.Verifiers;
using Pipeline.Workers.Evaluation;

namespace Pipeline.Workers.Tests.Evaluation;

public class ForcedAnswerTests(TinyReasonerFixture tiny) : IClassFixture<TinyReasonerFixture>
{
    private static readonly IVerifier Verifier = VerifierRegistry.Create(VerifierKind.Math);

    private ForcedAnswer Forced => ForcedAnswer.For(tiny.Loaded.Tokenizer);

    private string Decode(IEnumerable<int> ids) => tiny.Loaded.Tokenizer.Decode(ids, skipSpecialTokens: true);

    [Fact]
    public void Prompt_CutMidThought_IsPromptThenTheFirstBTokensThenMarkerAndCue()
    {
        var prompt = tiny.Loaded.Tokenizer.Encode("<|im_start|>user\nWhat is 7+5-3?<|im_end|>\n<|im_start|>assistant\n");
        var response = tiny.Loaded.Tokenizer.Encode("<think>\n7+5=12. 12-3=9. wait, let me recompute.");
        const int budget = 10;

        var (ids, cutText) = Forced.Prompt(prompt, response, budget);

        Assert.Equal(prompt.Concat(response.Take(budget)), ids.Take(prompt.Count + budget));
        Assert.Equal(Decode(response.Take(budget)), cutText);
        Assert.Equal("\n</think>\n\n\\boxed{", Decode(ids.Skip(prompt.Count + budget)));
    }

    [Fact]
    public void SuffixAfter_ThinkingAlreadyClosed_AppendsOnlyTheCue()
    {
        Assert.Equal("\n\n\\boxed{", Decode(Forced.SuffixAfter("<think>\n7+5=12.\n</think>\n\n\\boxed{1")));
        Assert.Equal("\n</think>\n\n\\boxed{", Decode(Forced.SuffixAfter("<think>\n7+5=12.")));
    }

    [Theory]
    [InlineData("<think>\n7+5=12. 12-3=9. so", "9}", true)]
    [InlineData("<think>\n7+5=12. 12-3=9. so", "8}", false)]
    [InlineData("<think>\n12-3=9.\n</think>\n\n\\boxed{9}", "8}", false)] // the box written before the cut is not the forced answer
    [InlineData("<think>\n7+5=12. 12-3=9. so", "9", false)]               // an unclosed box is no answer
    public void JudgedText_IsJudgedOnTheForcedAnswerOnly(string cut, string answer, bool correct)
    {
        var text = Forced.JudgedText(cut, tiny.Loaded.Tokenizer.Encode(answer));

        Assert.Equal(correct, Verifier.Verify(text, "9").Correct);
    }

    [Fact]
    public void Construction_TokenizerThatCannotEncodeTheCue_IsRejected()
    {
        var e = Assert.Throws<InvalidDataException>(() => new ForcedAnswer(_ => [1], _ => "?"));

        Assert.Contains("cannot encode the force-answer suffix", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_ForceAnswerAtASmallBudget_BeatsTruncateOnTheSameSamples()
    {
        var problems = TinyReasonerFixture.EasyTestProblems(12);
        var options = new EvaluationOptions([32, 128], Samples: 4, Temperature: 1, TopP: 1, Seed: 9);

        var truncate = tiny.Evaluator.Evaluate("arith", problems, options);
        var forced = tiny.Evaluator.Evaluate("arith", problems, options with { Mode = EvaluationMode.ForceAnswer });

        Assert.Equal(truncate.Budgets[0].TruncationRate, forced.Budgets[0].TruncationRate); // the same samples were cut
        Assert.True(forced.Budgets[0].MeanAtK >= truncate.Budgets[0].MeanAtK + 0.3,
            $"Mean@4 at 32 tokens: truncate {truncate.Budgets[0].MeanAtK:P1}, force-answer {forced.Budgets[0].MeanAtK:P1}");
        Assert.Equal(truncate.Budgets[0].Lengths.Overall.Mean, forced.Budgets[0].Lengths.Overall.Mean); // lengths count B, not the forced tokens
        Assert.InRange(forced.ForcedAnswerTokens, 1, 48L * ForcedAnswer.DefaultMaxTokens);
    }
}
