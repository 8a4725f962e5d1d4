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
/// a response's first B tokens do not depend on the limit it was generated under (same seed, same policy). At B a
/// sample counts as correct only if it finished within B tokens and its answer is correct; otherwise it is truncated
/// at B and wrong (the <c>truncate</c> mode). The budgets must not exceed the limit the samples were generated with.
/// </summary>
public static class BudgetSweep
{
    /// <summary>Histogram bins per budget (uniform from 0 to B).</summary>
    public const int HistogramBins = 16;

    /// <summary>What a sample generated at a larger limit looks like under budget B.</summary>
    public static ResponseOutcome AtBudget(ResponseOutcome sample, int budget) =>
        sample.Finished && sample.Length <= budget ? sample : new ResponseOutcome(false, Math.Min(sample.Length, budget), false);

    public static IReadOnlyList<BudgetResult> Compute(IReadOnlyList<ProblemOutcomes> problems, IReadOnlyList<int> budgets)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (budgets.Count == 0 || budgets.Any(b => b < 1)) throw new ArgumentException("budgets must be ≥ 1 and at least one", nameof(budgets));
        var k = problems.Count == 0 ? 0 : problems[0].Samples.Count;
        var ragged = problems.FirstOrDefault(p => p.Samples.Count != k);
        if (ragged is not null)
            throw new ArgumentException($"every problem needs the same number of samples; '{ragged.ProblemId}' has {ragged.Samples.Count}, expected {k}", nameof(problems));
        return budgets.Select(b => AtOneBudget(problems, b, k)).ToList();
    }

    private static BudgetResult AtOneBudget(IReadOnlyList<ProblemOutcomes> problems, int budget, int k)
    {
        var atBudget = problems.Select(p => p.Samples.Select(s => AtBudget(s, budget)).ToList()).ToList();
        var all = atBudget.SelectMany(s => s).ToList();
        var counts = atBudget.Select(s => new SampleCounts(s.Count, s.Count(o => o.Correct))).ToList();
        var edges = LengthHistogram.UniformEdges(Math.Max(1, (budget + HistogramBins - 1) / HistogramBins), budget);
        return new BudgetResult(
            budget, problems.Count, k,
            PassAtK.AverageMeanAtK(counts),
            k == 0 ? null : PassAtK.AveragePassAtK(counts, k),
            BatchRates.TruncationRate(all),
            LengthStatsByCorrectness.Compute(all),
            LengthHistogram.Build(all.Where(o => o.Correct).Select(o => o.Length), edges),
            LengthHistogram.Build(all.Where(o => !o.Correct).Select(o => o.Length), edges));
    }
}
