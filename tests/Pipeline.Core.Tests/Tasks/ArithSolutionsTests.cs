using Pipeline.Core.Spec;
using Pipeline.Core.Tasks.Arith;
using Pipeline.Core.Verifiers;

namespace Pipeline.Core.Tests.Tasks;

public class ArithSolutionsTests
{
    private static readonly ArithProblem Sample = new([7, 5, 3, 2], ['+', '-', '+'], "easy");

    [Fact]
    public void Minimal_IsOneEquationPerStepThenTheBoxedAnswer()
    {
        var text = ArithSolutions.Minimal(Sample);

        Assert.Equal("<think>\n7+5=12. 12-3=9. 9+2=11.\n</think>\n\n\\boxed{11}", text);
    }

    [Fact]
    public void Verbose_ZeroVerbosity_EqualsMinimal()
    {
        var text = ArithSolutions.Verbose(Sample, 0, new Random(1));

        Assert.Equal(ArithSolutions.Minimal(Sample), text);
    }

    [Fact]
    public void Verbose_EverySolution_IsJudgedCorrectByBothVerifiers()
    {
        var random = new Random(7);
        var problems = ArithTask.Problems("train", Difficulty.Mixed, 300);

        var solutions = problems.Select(p => (p, text: ArithSolutions.Verbose(p, random.NextDouble(), random))).ToList();

        var math = VerifierRegistry.Create(VerifierKind.Math);
        var exact = VerifierRegistry.Create(VerifierKind.Exact);
        Assert.All(solutions, s => Assert.True(math.Verify(s.text, s.p.ToProblem().Answer).Correct, s.text));
        Assert.All(solutions, s => Assert.True(exact.Verify(s.text, s.p.ToProblem().Answer).Correct, s.text));
    }

    [Fact]
    public void Verbose_FullVerbosity_IsMuchLongerAndInterleaved()
    {
        var random = new Random(3);

        var verbose = Enumerable.Range(0, 200).Select(_ => ArithSolutions.Verbose(Sample, 1, random)).ToList();

        var minimalLength = ArithSolutions.Minimal(Sample).Length;
        Assert.True(verbose.Average(v => v.Length) > 2.5 * minimalLength);
        // Redundancy sits between steps, not only after the last one.
        Assert.Contains(verbose, v => v.IndexOf("check", StringComparison.Ordinal) < v.IndexOf("9+2=11.", StringComparison.Ordinal));
    }

    [Fact]
    public void Verbose_SameSeed_IsReproducible()
    {
        var a = ArithSolutions.Verbose(Sample, 0.7, new Random(11));
        var b = ArithSolutions.Verbose(Sample, 0.7, new Random(11));

        Assert.Equal(a, b);
    }
}
