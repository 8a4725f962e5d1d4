using Pipeline.Core.Rewards;

namespace Pipeline.Core.Metrics;

/// <summary>
/// Summary of response lengths in tokens. Every statistic is null when <see cref="Count"/> is 0 (JSON: null, not
/// NaN). Percentiles use linear interpolation between order statistics (numpy's default <c>method="linear"</c>,
/// Hyndman &amp; Fan type 7): for sorted x_0..x_{n−1}, position h = (n − 1)·p, value x_⌊h⌋ + (h − ⌊h⌋)(x_⌈h⌉ − x_⌊h⌋).
/// </summary>
public sealed record LengthStats(int Count, double? Mean, double? Median, double? P90, int? Min, int? Max)
{
    /// <summary>The statistics of no lengths at all.</summary>
    public static LengthStats Empty { get; } = new(0, null, null, null, null, null);

    /// <summary>Summarises <paramref name="lengths"/> (order does not matter).</summary>
    public static LengthStats Compute(IEnumerable<int> lengths)
    {
        var sorted = lengths.Order().ToArray();
        if (sorted.Length == 0) return Empty;
        return new LengthStats(
            sorted.Length,
            sorted.Average(l => (double)l),
            Percentile(sorted, 0.5),
            Percentile(sorted, 0.9),
            sorted[0],
            sorted[^1]);
    }

    /// <summary>The <paramref name="p"/>-quantile (p in [0, 1]) of ascending <paramref name="sorted"/>, linear interpolation.</summary>
    public static double Percentile(IReadOnlyList<int> sorted, double p)
    {
        if (sorted.Count == 0) throw new ArgumentException("no values to take a percentile of", nameof(sorted));
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "must be in [0, 1]");
        var position = (sorted.Count - 1) * p;
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }
}

/// <summary>Length statistics overall and conditioned on correctness (PAPER.md: "length of correct vs incorrect").</summary>
public sealed record LengthStatsByCorrectness(LengthStats Overall, LengthStats Correct, LengthStats Incorrect)
{
    /// <summary>Splits <paramref name="responses"/> by correctness and summarises each part.</summary>
    public static LengthStatsByCorrectness Compute(IReadOnlyCollection<ResponseOutcome> responses) => new(
        LengthStats.Compute(responses.Select(r => r.Length)),
        LengthStats.Compute(responses.Where(r => r.Correct).Select(r => r.Length)),
        LengthStats.Compute(responses.Where(r => !r.Correct).Select(r => r.Length)));
}
