// The `exact` verifier (normalised exact match) and the registry that hands out verifiers by kind.
using Pipeline.Core.Spec;
using Pipeline.Core.Verifiers;

namespace Pipeline.Core.Tests.Verifiers;

public sealed class ExactVerifierTests
{
    private readonly IVerifier _verifier = VerifierRegistry.Create(VerifierKind.Exact);

    [Theory]
    [InlineData("\\boxed{42}", "42")]
    [InlineData("The answer is 42.", "42")]
    [InlineData("\\boxed{$42$}", "42")]
    [InlineData("\\boxed{\\text{42}}", "42")]
    [InlineData("\\boxed{  4   2 }", "4 2")]
    [InlineData("<think>6*7</think> \\boxed{42}", "\\boxed{42}")]
    public void Verify_SameAnswerAfterNormalising_IsCorrect(string response, string gold)
    {
        Assert.True(_verifier.Verify(response, gold).Correct);
    }

    [Theory]
    [InlineData("\\boxed{042}", "42")]
    [InlineData("\\boxed{abc}", "ABC")]
    [InlineData("\\boxed{1/2}", "0.5")]
    [InlineData("\\boxed{42}", "")]
    public void Verify_DifferentSpelling_IsIncorrect(string response, string gold)
    {
        Assert.False(_verifier.Verify(response, gold).Correct);
    }

    [Fact]
    public void Verify_NoAnswer_IsIncorrectWithNothingExtracted()
    {
        var verdict = _verifier.Verify("<think>never finished", "42");

        Assert.False(verdict.Correct);
        Assert.Null(verdict.Extracted);
    }

    [Fact]
    public void Create_EachKind_ReturnsItsVerifier()
    {
        Assert.IsType<MathVerifier>(VerifierRegistry.Create(VerifierKind.Math));
        Assert.IsType<ExactVerifier>(VerifierRegistry.Create(VerifierKind.Exact));
    }

    [Fact]
    public void Create_UnknownKind_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => VerifierRegistry.Create((VerifierKind)99));
    }
}
