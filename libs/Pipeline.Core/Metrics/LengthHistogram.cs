namespace Pipeline.Core.Metrics;

/// <summary>
/// Counts of lengths in fixed bins, comparable across steps and budgets. Bins follow numpy.histogram: bin i is
/// <c>[Edges[i], Edges[i+1])</c>, except the last, which also includes its right edge (so a response cut at
/// exactly L_R lands in the last bin of <c>Uniform(…, L_R)</c>). Lengths outside the edges are counted in
/// <see cref="Below"/> and <see cref="Above"/> rather than dropped.
/// </summary>
/// <param name="Edges">Strictly increasing bin edges, at least two.</param>
/// <param name="Counts">One count per bin: <c>Edges.Count − 1</c> entries.</param>
/// <param name="Below">Lengths below the first edge.</param>
/// <param name="Above">Lengths above the last edge.</param>
public sealed record LengthHistogram(IReadOnlyList<int> Edges, IReadOnlyList<int> Counts, int Below, int Above)
{
    /// <summary>Counts <paramref name="lengths"/> into the bins given by <paramref name="edges"/>.</summary>
    /// <exception cref="ArgumentException">Fewer than two edges, or edges not strictly increasing.</exception>
    public static LengthHistogram Build(IEnumerable<int> lengths, IReadOnlyList<int> edges)
    {
        CheckEdges(edges);
        var counts = new int[edges.Count - 1];
        int below = 0, above = 0;
        foreach (var length in lengths)
        {
            if (length < edges[0]) below++;
            else if (length > edges[^1]) above++;
            else counts[BinOf(length, edges)]++;
        }
        return new LengthHistogram(edges.ToArray(), counts, below, above);
    }

    /// <summary>Bins of width <paramref name="binWidth"/> from 0 up to <paramref name="upperBound"/> (typically L_R or
    /// the evaluation budget); the last bin is narrower when the width does not divide the bound.</summary>
    public static LengthHistogram Build(IEnumerable<int> lengths, int binWidth, int upperBound) =>
        Build(lengths, UniformEdges(binWidth, upperBound));

    /// <summary>Edges 0, w, 2w, …, ending exactly at <paramref name="upperBound"/>.</summary>
    public static IReadOnlyList<int> UniformEdges(int binWidth, int upperBound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(binWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(upperBound, 1);
        var edges = new List<int>();
        for (var edge = 0; edge < upperBound; edge += binWidth) edges.Add(edge);
        edges.Add(upperBound);
        return edges;
    }

    // The last edge e with e ≤ length, capped at the last bin (the closed right end).
    private static int BinOf(int length, IReadOnlyList<int> edges)
    {
        int low = 0, high = edges.Count - 2;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (edges[middle] <= length) low = middle;
            else high = middle - 1;
        }
        return low;
    }

    private static void CheckEdges(IReadOnlyList<int> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        if (edges.Count < 2) throw new ArgumentException($"a histogram needs at least two edges, got {edges.Count}", nameof(edges));
        for (var i = 1; i < edges.Count; i++)
        {
            if (edges[i] <= edges[i - 1])
                throw new ArgumentException($"edges must increase strictly; edges[{i}] = {edges[i]} follows {edges[i - 1]}", nameof(edges));
        }
    }
}
