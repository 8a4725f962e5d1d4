// Verify must never throw and must finish quickly whatever the model writes: random strings, LaTeX-flavoured
// noise, 10k nested braces, unclosed boxes, towers of exponents, megabyte responses.
using System.Diagnostics;
using CsCheck;
using Pipeline.Core.Spec;
using Pipeline.Core.Verifiers;

namespace Pipeline.Core.Tests.Verifiers;

public sealed class VerifierRobustnessTests
{
    private const string LatexAlphabet = "\\{}()[]^_$|&=<>,.;:!%'+-*/ 0123456789xyzeipabcfrqtsl\n";
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    public static TheoryData<string, string> PathologicalInputs() => new()
    {
        { new string('{', 10_000) + "1" + new string('}', 10_000), "1" },
        { string.Concat(Enumerable.Repeat("\\boxed{", 10_000)) + "1" + new string('}', 10_000), "1" },
        { string.Concat(Enumerable.Repeat("\\boxed{", 10_000)), "1" },
        { "\\boxed{" + new string('(', 5_000) + "1" + new string(')', 5_000) + "}", "1" },
        { "\\boxed{" + string.Concat(Enumerable.Repeat("\\frac{1}{", 400)) + "2" + new string('}', 400) + "}", "0" },
        { "\\boxed{10^{10^{10}}}", "10^{10^{10}}" },
        { "\\boxed{10^{10^{10}}}", "1" },
        { "\\boxed{170!! + 1000!}", "1" },
        { "\\boxed{\\binom{1000000}{500000}}", "1" },
        { "\\boxed{" + string.Concat(Enumerable.Repeat("x^", 300)) + "2}", "1" },
        { "\\boxed{" + string.Join(", ", Enumerable.Range(0, 5_000)) + "}", string.Join(", ", Enumerable.Range(0, 5_000).Reverse()) },
        { "\\boxed{" + string.Join(",", Enumerable.Repeat("(1,2)", 60)) + "}", string.Join(",", Enumerable.Repeat("(2,1)", 60)) },
        { string.Concat(Enumerable.Repeat("The answer is $", 20_000)), "1" },
        { string.Concat(Enumerable.Repeat("$$ \\[ \\( ", 20_000)), "1" },
        { new string('x', 1_000_000) + "\\boxed{1}", "1" },
        { "\\boxed{" + new string('7', 1_000_000) + "}", new string('7', 1_000_000) },
        { "\\boxed{" + string.Concat(Enumerable.Repeat("\\text{1,000} ", 50_000)) + "}", "1000" },
        { "</think>" + new string('-', 1_000), "-1" },
        { "\\boxed{\\sqrt[0]{0}/0 + \\log_0 0 + 0^{-1}}", "\\infty" },
    };

    [Theory]
    [MemberData(nameof(PathologicalInputs))]
    public void Verify_PathologicalInput_ReturnsQuicklyWithoutThrowing(string response, string gold)
    {
        foreach (var kind in new[] { VerifierKind.Math, VerifierKind.Exact })
        {
            var verifier = VerifierRegistry.Create(kind);
            var clock = Stopwatch.StartNew();

            var verdict = verifier.Verify(response, gold);
            var swapped = verifier.Verify(gold, response);

            Assert.True(clock.Elapsed < Budget, $"{kind} took {clock.Elapsed.TotalMilliseconds:F0} ms");
            Assert.NotNull(verdict);
            Assert.NotNull(swapped);
        }
    }

    [Fact]
    public void Verify_RandomLatexNoise_NeverThrows()
    {
        var math = VerifierRegistry.Create(VerifierKind.Math);
        var text = Gen.Char[LatexAlphabet].Array[0, 120].Select(chars => new string(chars));

        Gen.Select(text, text).Sample((response, gold) =>
        {
            math.Verify(response, gold);
            math.Verify("\\boxed{" + response + "}", gold);
            MathEquivalence.AreEquivalent(response, gold);
            AnswerExtractor.Extract(response);
        }, iter: 3_000);
    }

    /// <summary>The stages below Verify's safety net must not throw either: a swallowed exception hides a bug.</summary>
    [Fact]
    public void Stages_RandomLatexNoise_NeverThrow()
    {
        var text = Gen.Char[LatexAlphabet].Array[0, 120].Select(chars => new string(chars));

        Gen.Select(text, text).Sample((answer, gold) =>
        {
            var a = MathAnswerParser.Parse(LatexNormalizer.Normalize(answer));
            var g = MathAnswerParser.Parse(LatexNormalizer.Normalize(gold));
            MathEquivalence.Equivalent(a, g, 0);
            MathExpressionParser.TryParse(answer);
            AnswerExtractor.ExtractReference(answer);
        }, iter: 5_000);
    }

    [Fact]
    public void Verify_RandomUnicode_NeverThrows()
    {
        var math = VerifierRegistry.Create(VerifierKind.Math);

        Gen.String.Sample(s =>
        {
            math.Verify(s, s);
            math.Verify("\\boxed{" + s + "}", "1");
        }, iter: 2_000);
    }

    [Fact]
    public void Verify_SameAnswerTwice_IsCorrect()
    {
        var math = VerifierRegistry.Create(VerifierKind.Math);
        var answers = Gen.Char["0123456789+-*/()x^ "].Array[1, 40].Select(chars => new string(chars).Trim()).Where(s => s.Length > 0);

        answers.Sample(answer => math.Verify("\\boxed{" + answer + "}", answer).Correct, iter: 2_000);
    }
}
