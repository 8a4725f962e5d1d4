using Pipeline.Core.Rewards;

namespace Pipeline.Core.Metrics;

/// <summary>
/// Fractions logged per step and per evaluation (PAPER.md: truncation rate; "keep the density of positive rewards
/// high"; groups with no learning signal). Each returns null for an empty input, so JSON output says null rather
/// than NaN.
/// </summary>
public static class BatchRates
{
    /// <summary>Fraction of responses cut at the token limit (Finished = false).</summary>
    public static double? TruncationRate(IReadOnlyCollection<ResponseOutcome> responses) =>
        Fraction(responses, r => !r.Finished);

    /// <summary>Fraction of responses whose reward is strictly positive.</summary>
    public static double? PositiveRewardDensity(IReadOnlyCollection<double> rewards) =>
        Fraction(rewards, r => r > 0);

    /// <summary>
    /// Fraction of groups whose rewards are all exactly equal (zero variance: every advantage is 0, nothing is
    /// learned; DAPO's dynamic sampling drops them). A group of one or zero responses counts as zero-variance.
    /// </summary>
    public static double? ZeroVarianceGroupFraction(IReadOnlyCollection<IReadOnlyList<double>> groupRewards) =>
        Fraction(groupRewards, g => g.Count == 0 || g.All(r => r.Equals(g[0])));

    private static double? Fraction<T>(IReadOnlyCollection<T> items, Func<T, bool> predicate) =>
        items.Count == 0 ? null : (double)items.Count(predicate) / items.Count;
}
