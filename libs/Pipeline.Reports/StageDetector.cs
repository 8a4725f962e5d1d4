using System.Globalization;

namespace Pipeline.Reports;

/// <summary>Where length adaptation ends: the first step of the plateau and the levels it was measured from.</summary>
/// <param name="Step">The first step of reasoning refinement (the plateau).</param>
/// <param name="StartLength">The highest smoothed mean length (where the fall starts).</param>
/// <param name="PlateauLength">The mean length of the last quarter of the steps (the level the length settles at).</param>
public sealed record StageBoundary(int Step, double StartLength, double PlateauLength)
{
    /// <summary>Relative change from the start to the plateau (negative: shorter).</summary>
    public double RelativeChange => (PlateauLength - StartLength) / StartLength;
}

/// <summary>
/// Detects the boundary between PAPER.md's two training stages: <b>length adaptation</b>, where the mean rollout
/// length falls roughly exponentially, and <b>reasoning refinement</b>, where it plateaus. Precisely, over the n steps
/// that have a mean length, in step order:
/// <list type="number">
/// <item>Smooth: S = centred moving average of the mean length over 2h + 1 steps, h = max(1, ⌊n / 20⌋); the window
/// is cut at both ends (it averages the steps it has).</item>
/// <item>Levels: the plateau level P = mean of the raw lengths of the last quarter of the steps (q = max(2, ⌈n / 4⌉)
/// steps); the start level A = max S (the fall starts at the peak, so an early rise does not hide it).</item>
/// <item>No adaptation: if the drop D = A − P is less than <see cref="MinimumDrop"/> (10 %) of A — a flat or rising
/// curve, or one that barely falls — there is no boundary (null).</item>
/// <item>Boundary: the first step i from which S stays within <see cref="Tolerance"/> (15 %) of the drop above the
/// plateau, S[j] − P ≤ 0.15 D for every j ≥ i: less than 15 % of the total drop remains to be made, for good.</item>
/// <item>Still falling: if that step lies in the last quarter (the steps that define P), the length has not
/// plateaued yet: null. Fewer than <see cref="MinimumSteps"/> steps: null.</item>
/// </list>
/// On an exponential decay L(t) = P + D e^(−t/τ) the boundary lands near t = τ ln(1/0.15) ≈ 1.9 τ, just past the knee.
/// </summary>
public static class StageDetector
{
    public const double MinimumDrop = 0.10;
    public const double Tolerance = 0.15;
    public const int MinimumSteps = 8;

    /// <param name="steps">Step numbers, ascending.</param>
    /// <param name="meanLengths">The mean rollout length at each step (same count).</param>
    public static StageBoundary? Detect(IReadOnlyList<int> steps, IReadOnlyList<double> meanLengths)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(meanLengths);
        if (steps.Count != meanLengths.Count) throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{steps.Count} steps but {meanLengths.Count} lengths"), nameof(meanLengths));
        var n = meanLengths.Count;
        if (n < MinimumSteps) return null;
        var smoothed = MovingAverage(meanLengths, Math.Max(1, n / 20));
        var quarter = Math.Max(2, (n + 3) / 4);
        var plateau = meanLengths.Skip(n - quarter).Average();
        var start = smoothed.Max();
        var drop = start - plateau;
        if (drop < MinimumDrop * start) return null;
        var first = n;
        while (first > 0 && smoothed[first - 1] - plateau <= Tolerance * drop) first--;
        return first >= n - quarter ? null : new StageBoundary(steps[first], start, plateau);
    }

    /// <summary>Centred moving average over 2·<paramref name="halfWidth"/> + 1 points, cut at the ends.</summary>
    /// <remarks>Written here: the project has no numerics library, and these few lines are the whole definition.</remarks>
    internal static double[] MovingAverage(IReadOnlyList<double> values, int halfWidth)
    {
        var result = new double[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            int from = Math.Max(0, i - halfWidth), to = Math.Min(values.Count - 1, i + halfWidth);
            var sum = 0.0;
            for (var j = from; j <= to; j++) sum += values[j];
            result[i] = sum / (to - from + 1);
        }
        return result;
    }
}
