namespace Pipeline.Core.Metrics;

/// <summary>How many of a problem's samples were correct.</summary>
/// <param name="Samples">n, samples drawn for the problem.</param>
/// <param name="Correct">c, of which correct (0 ≤ c ≤ n).</param>
public readonly record struct SampleCounts(int Samples, int Correct);

/// <summary>
/// Pass@k and Mean@k (PAPER.md, "Evaluation protocol": 8 samples per problem, Mean@8 and Pass@8).
/// Mean@k is the average accuracy over the samples; Pass@k the chance that at least one of k samples is correct.
/// </summary>
public static class PassAtK
{
    /// <summary>
    /// The unbiased Pass@k estimator of Chen et al. 2021 (Codex): <c>1 − C(n − c, k) / C(n, k)</c>, computed in
    /// product form <c>1 − Π_{i = n−c+1}^{n} (1 − k/i)</c> so that no binomial coefficient overflows. It is 1 when
    /// <c>n − c &lt; k</c> (every k-subset holds a correct sample). Pass@1 = c/n.
    /// </summary>
    /// <exception cref="ArgumentException">k &lt; 1, n &lt; k, or c outside [0, n].</exception>
    public static double Unbiased(int n, int c, int k)
    {
        if (k < 1) throw new ArgumentException($"k must be ≥ 1, got {k}", nameof(k));
        if (n < k) throw new ArgumentException($"Pass@{k} needs at least k = {k} samples per problem, got n = {n}", nameof(n));
        if (c < 0 || c > n) throw new ArgumentException($"correct count c must be in [0, n = {n}], got {c}", nameof(c));
        if (n - c < k) return 1.0;
        // From i = n downwards: one more correct sample multiplies in one more factor ≤ 1, so the estimate is
        // monotone in c even after rounding.
        var allWrong = 1.0;
        for (var i = n; i > n - c; i--) allWrong *= 1.0 - ((double)k / i);
        return 1.0 - allWrong;
    }

    /// <summary>Mean@n of one problem: the fraction c/n of its samples that are correct.</summary>
    /// <exception cref="ArgumentException">n &lt; 1 or c outside [0, n].</exception>
    public static double MeanAtK(int n, int c)
    {
        if (n < 1) throw new ArgumentException($"need at least one sample, got n = {n}", nameof(n));
        if (c < 0 || c > n) throw new ArgumentException($"correct count c must be in [0, n = {n}], got {c}", nameof(c));
        return (double)c / n;
    }

    /// <summary>Pass@k averaged over problems; null when there are none.</summary>
    public static double? AveragePassAtK(IReadOnlyCollection<SampleCounts> problems, int k) =>
        problems.Count == 0 ? null : problems.Average(p => Unbiased(p.Samples, p.Correct, k));

    /// <summary>Mean@k averaged over problems (each problem weighs the same); null when there are none.</summary>
    public static double? AverageMeanAtK(IReadOnlyCollection<SampleCounts> problems) =>
        problems.Count == 0 ? null : problems.Average(p => MeanAtK(p.Samples, p.Correct));
}
