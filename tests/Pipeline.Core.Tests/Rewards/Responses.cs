using Pipeline.Core.Rewards;

namespace Pipeline.Core.Tests.Rewards;

/// <summary>Short names for hand-written groups.</summary>
internal static class Responses
{
    public static ResponseOutcome Right(int length) => new(true, length, true);
    public static ResponseOutcome Wrong(int length) => new(false, length, true);
    public static ResponseOutcome RightCut(int length) => new(true, length, false);
    public static ResponseOutcome WrongCut(int length) => new(false, length, false);

    /// <summary>Lowest correct reward minus highest incorrect reward; +∞ when one side is absent.
    /// The invariant "correct ≥ incorrect" holds in the group iff this is ≥ 0.</summary>
    public static double InvariantGap(IReadOnlyList<ResponseOutcome> group, IReadOnlyList<double> rewards)
    {
        var correct = rewards.Where((_, i) => group[i].Correct).DefaultIfEmpty(double.PositiveInfinity).Min();
        var incorrect = rewards.Where((_, i) => !group[i].Correct).DefaultIfEmpty(double.NegativeInfinity).Max();
        return correct - incorrect;
    }
}

/// <summary>Element-wise comparison of doubles with an absolute tolerance.</summary>
internal static class Approx
{
    public static void Equal(IReadOnlyList<double> expected, IReadOnlyList<double> actual, double tolerance = 1e-9)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"[{i}]: expected {expected[i]}, got {actual[i]} (all: {string.Join(", ", actual)})");
    }
}
