using Pipeline.Core.Metrics;
using Pipeline.Core.Rewards;

namespace Pipeline.Core.Evaluation;

/// <summary>The k samples of one problem, as generated once at the largest budget.</summary>
public sealed record ProblemOutcomes(string ProblemId, IReadOnlyList<ResponseOutcome> Samples);

/// <summary>Metrics of one budget B over every problem (PAPER.md's evaluation protocol).</summary>
/// <param name="MeanAtK">Average accuracy over all samples (Mean@k).</param>
/// <param name="PassAtK">Unbiased Pass@k with k = samples per problem: at least one of the k correct.</param>
/// <param name="TruncationRate">Fraction of samples not finished within B tokens.</param>
/// <param name="Lengths">Lengths at B (a sample cut at B counts B tokens), overall and by correctness at B.</param>
public sealed record BudgetResult(
    int Budget, int Problems, int SamplesPerProblem, double? MeanAtK, double? PassAtK, double? TruncationRate,
    LengthStatsByCorrectness Lengths, LengthHistogram HistogramCorrect, LengthHistogram HistogramIncorrect);

/// <summary>
/// The budget sweep: one sampling pass at the largest budget gives the results at every smaller budget B, because
/// a response's first B tokens do not depend on the limit it was generated under (same seed, same policy; the
/// generator draws each sequence's randomness from its own counter-based stream, see BatchGenerator). Two modes:
/// <list type="bullet">
/// <item><c>truncate</c> (<see cref="AtBudget"/>): at B a sample counts as correct only if it finished within B tokens
/// and its answer is correct; otherwise it is cut at B and wrong.</item>
/// <item><c>force-answer</c> (<see cref="ForcedAtBudget"/>): a sample that finished within B is judged as in truncate
/// mode; one cut at B is judged by the short answer forced out of it at B (the evaluator generates that answer).</item>
/// </list>
/// In both modes a sample's length at B is min(L, B) — the forced answer's few tokens are not counted — so length
/// statistics agree across modes. The budgets must not exceed the limit the samples were generated with.
/// </summary>
public static class BudgetSweep
{
    /// <summary>Histogram bins per budget (uniform from 0 to B).</summary>
    public const int HistogramBins = 16;

    /// <summary>What a sample generated at a larger limit looks like under budget B (truncate mode).</summary>
    public static ResponseOutcome AtBudget(ResponseOutcome sample, int budget) =>
        sample.FinishedWithin(budget) ? sample : new ResponseOutcome(false, Math.Min(sample.Length, budget), false);

    /// <summary>
    /// A sample under budget B in force-answer mode: finished within B, it keeps its verdict; otherwise it is cut at B
    /// (length B, not finished) and correct exactly when the answer forced at B is.
    /// </summary>
    public static ResponseOutcome ForcedAtBudget(ResponseOutcome sample, int budget, bool forcedAnswerCorrect) =>
        sample.FinishedWithin(budget) ? sample : new ResponseOutcome(forcedAnswerCorrect, Math.Min(sample.Length, budget), false);

    /// <summary>Truncate mode at every budget.</summary>
    public static IReadOnlyList<BudgetResult> Compute(IReadOnlyList<ProblemOutcomes> problems, IReadOnlyList<int> budgets)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (budgets.Count == 0 || budgets.Any(b => b < 1)) throw new ArgumentException("budgets must be ≥ 1 and at least one", nameof(budgets));
        return budgets.Select(b => Summarise(b, problems.Select(p => new ProblemOutcomes(p.ProblemId,
            p.Samples.Select(s => AtBudget(s, b)).ToList())).ToList())).ToList();
    }

    /// <summary>
    /// The metrics of one budget from every problem's samples as judged at that budget (<see cref="AtBudget"/> or
    /// <see cref="ForcedAtBudget"/>): Mean@k, unbiased Pass@k, truncation rate, lengths and histograms by correctness.
    /// </summary>
    public static BudgetResult Summarise(int budget, IReadOnlyList<ProblemOutcomes> atBudget)
    {
        ArgumentNullException.ThrowIfNull(atBudget);
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, 1);
        var k = atBudget.Count == 0 ? 0 : atBudget[0].Samples.Count;
        var ragged = atBudget.FirstOrDefault(p => p.Samples.Count != k);
        if (ragged is not null)
            throw new ArgumentException($"every problem needs the same number of samples; '{ragged.ProblemId}' has {ragged.Samples.Count}, expected {k}", nameof(atBudget));
        var longer = atBudget.SelectMany(p => p.Samples).Where(s => s.Length > budget).Select(s => (int?)s.Length).FirstOrDefault();
        if (longer is not null) throw new ArgumentException($"a sample judged at budget {budget} has {longer} tokens; judge it at the budget first", nameof(atBudget));
        var all = atBudget.SelectMany(p => p.Samples).ToList();
        var counts = atBudget.Select(p => new SampleCounts(p.Samples.Count, p.Samples.Count(o => o.Correct))).ToList();
        var edges = LengthHistogram.UniformEdges(Math.Max(1, (budget + HistogramBins - 1) / HistogramBins), budget);
        return new BudgetResult(
            budget, atBudget.Count, k,
            PassAtK.AverageMeanAtK(counts),
            k == 0 ? null : PassAtK.AveragePassAtK(counts, k),
            BatchRates.TruncationRate(all),
            LengthStatsByCorrectness.Compute(all),
            LengthHistogram.Build(all.Where(o => o.Correct).Select(o => o.Length), edges),
            LengthHistogram.Build(all.Where(o => !o.Correct).Select(o => o.Length), edges));
    }
}
