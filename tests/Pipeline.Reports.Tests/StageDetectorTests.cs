namespace Pipeline.Reports.Tests;

public class StageDetectorTests
{
    private static readonly int[] Steps = Enumerable.Range(1, 100).ToArray();

    private static double[] Curve(Func<int, double> length) => Steps.Select(length).ToArray();

    // Deterministic Gaussian noise (Box–Muller) so the test never flakes.
    private static double[] Noise(double sd, int seed)
    {
        var random = new Random(seed);
        return Steps.Select(_ => sd * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())).ToArray();
    }

    [Fact]
    public void Detect_ExponentialDecayToAPlateau_PutsTheBoundaryJustPastTheKnee()
    {
        const double tau = 10;
        var lengths = Curve(t => 2000 + 4000 * Math.Exp(-t / tau));

        var boundary = StageDetector.Detect(Steps, lengths);

        Assert.NotNull(boundary);
        Assert.InRange(boundary.Step, 1.5 * tau, 3 * tau);   // ln(1 / 0.15) τ ≈ 1.9 τ, a little later after smoothing
        Assert.InRange(boundary.PlateauLength, 2000, 2010);
        Assert.InRange(boundary.RelativeChange, -0.68, -0.55);
    }

    [Fact]
    public void Detect_NoisyDecay_StillFindsTheKnee()
    {
        var noise = Noise(sd: 150, seed: 7);   // about 4 % of the fall
        var lengths = Curve(t => 2000 + 4000 * Math.Exp(-t / 10.0) + noise[t - 1]);

        var boundary = StageDetector.Detect(Steps, lengths);

        Assert.NotNull(boundary);
        Assert.InRange(boundary.Step, 15, 40);
    }

    [Fact]
    public void Detect_FlatCurve_FindsNoAdaptation()
    {
        var noise = Noise(sd: 50, seed: 3);
        Assert.Null(StageDetector.Detect(Steps, Curve(t => 3000 + noise[t - 1])));
    }

    [Fact]
    public void Detect_RisingCurve_FindsNoAdaptation() =>
        Assert.Null(StageDetector.Detect(Steps, Curve(t => 2000 + 30.0 * t)));

    [Fact]
    public void Detect_LengthStillFallingAtTheEnd_FindsNoPlateau() =>
        Assert.Null(StageDetector.Detect(Steps, Curve(t => 6000 - 40.0 * t)));

    [Fact]
    public void Detect_EarlyRiseThenDecay_MeasuresTheFallFromThePeak()
    {
        var lengths = Curve(t => t <= 10 ? 4000 + 100.0 * t : 2000 + 3000 * Math.Exp(-(t - 10) / 8.0));

        var boundary = StageDetector.Detect(Steps, lengths);

        Assert.NotNull(boundary);
        Assert.InRange(boundary.Step, 20, 40);
        Assert.True(boundary.StartLength > 4500, $"start {boundary.StartLength}");
    }

    [Fact]
    public void Detect_FewerThanMinimumSteps_ReturnsNull() =>
        Assert.Null(StageDetector.Detect([1, 2, 3, 4], [400.0, 200, 100, 100]));

    [Fact]
    public void MovingAverage_CutsTheWindowAtTheEnds() =>
        Assert.Equal([1.5, 2, 3, 3.5], StageDetector.MovingAverage([1.0, 2, 3, 4], 1));
}
