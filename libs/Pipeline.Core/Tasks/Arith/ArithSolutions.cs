using System.Globalization;
using System.Text;

namespace Pipeline.Core.Tasks.Arith;

/// <summary>
/// Chain-of-thought solutions for <see cref="ArithProblem"/>: the minimal chain (one equation per operator) and
/// verbose chains that pad it the way long-CoT models do — restating the question, hesitating and recomputing a
/// step, checking a step by its inverse, re-verifying the whole chain — with a random amount of redundancy that
/// never changes the answer. The redundancy is interleaved between steps (not appended as one block), so shortening
/// it means compressing the reasoning throughout, as RL must on a real model.
/// </summary>
/// <remarks>
/// Response format, as a Qwen3 thinking model writes it: <c>&lt;think&gt;\n…\n&lt;/think&gt;\n\n\boxed{N}</c>. The
/// verifier judges the text after <c>&lt;/think&gt;</c>; budget-forced evaluation can close an unfinished thought.
/// </remarks>
public static class ArithSolutions
{
    public const string ThinkOpen = "<think>";
    public const string ThinkClose = "</think>";

    /// <summary>The shortest correct response: each step once, then the boxed answer.</summary>
    public static string Minimal(ArithProblem problem) => Wrap(string.Join(" ", Steps(problem)), problem.Answer);

    /// <summary>
    /// A verbose response. <paramref name="verbosity"/> in [0, 1] scales the probability of each kind of
    /// redundancy; 0 gives <see cref="Minimal"/>.
    /// </summary>
    public static string Verbose(ArithProblem problem, double verbosity, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(verbosity, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(verbosity, 1);
        var parts = new List<string>();
        if (Chance(random, verbosity)) parts.Add(Restatement(problem, random));
        var steps = Steps(problem);
        var values = problem.RunningValues;
        for (var i = 0; i < steps.Count; i++)
        {
            parts.Add(steps[i]);
            if (Chance(random, verbosity * 0.6)) parts.Add($"{Pick(random, Hesitations)} {steps[i]}");
            if (Chance(random, verbosity * 0.6)) parts.Add(Check(problem, i, values));
        }
        if (Chance(random, verbosity * 0.8)) parts.Add($"let me verify: {string.Join(" ", steps)} yes.");
        if (Chance(random, verbosity)) parts.Add($"so the answer is {Format(problem.Answer)}.");
        return Wrap(string.Join(" ", parts), problem.Answer);
    }

    /// <summary>One equation per operator, e.g. <c>7+5=12.</c>, <c>12-3=9.</c></summary>
    public static IReadOnlyList<string> Steps(ArithProblem problem)
    {
        var values = problem.RunningValues;
        var steps = new List<string>(values.Count);
        var left = problem.Operands[0];
        for (var i = 0; i < values.Count; i++)
        {
            steps.Add($"{Format(left)}{problem.Operators[i]}{Format(problem.Operands[i + 1])}={Format(values[i])}.");
            left = values[i];
        }
        return steps;
    }

    private static readonly string[] Hesitations = ["wait,", "hmm,", "wait, let me recompute.", "let me redo that."];

    private static readonly string[] Restatements = ["we need {0}.", "the question asks for {0}.", "we must compute {0}."];

    private static string Restatement(ArithProblem problem, Random random) =>
        string.Format(CultureInfo.InvariantCulture, Pick(random, Restatements), problem.Expression);

    // The inverse operation of step i: for a+b=c write c-b=a, for a-b=c write c+b=a.
    private static string Check(ArithProblem problem, int i, IReadOnlyList<int> values)
    {
        var left = i == 0 ? problem.Operands[0] : values[i - 1];
        var inverse = problem.Operators[i] == '+' ? '-' : '+';
        return $"check {Format(values[i])}{inverse}{Format(problem.Operands[i + 1])}={Format(left)} ok.";
    }

    private static string Wrap(string thought, int answer) =>
        new StringBuilder().Append(ThinkOpen).Append('\n').Append(thought).Append('\n').Append(ThinkClose)
            .Append("\n\n\\boxed{").Append(Format(answer)).Append('}').ToString();

    private static bool Chance(Random random, double p) => random.NextDouble() < p;

    private static string Pick(Random random, string[] options) => options[random.Next(options.Length)];

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
