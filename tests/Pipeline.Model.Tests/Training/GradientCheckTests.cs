// The learner's gradient against central finite differences of its own loss: every entry of a float64 bigram model's
// table (whole pipeline — scoring, gather of response positions, ratio, clip, KL, aggregation, micro-batch
// accumulation — exercised), and the largest entries of a float64 tiny Qwen3 (whose RMSNorm computes in float32, so
// finite differences there are only good to ~1e-3 at h = 1e-3; the tolerance says so).
using Pipeline.Core.Spec;
using Pipeline.Model.Qwen3;
using Pipeline.Model.Training;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Pipeline.Model.Tests.Training;

public class GradientCheckTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(LossAggregation.TokenMean, 0.0)]
    [InlineData(LossAggregation.SeqMeanTokenMean, 0.0)]
    [InlineData(LossAggregation.SeqMeanTokenSum, 0.0)]
    [InlineData(LossAggregation.SeqMeanTokenSumNorm, 0.0)]
    [InlineData(LossAggregation.TokenMean, 0.3)]
    public void Gradient_Bigram_MatchesFiniteDifferencesOnEveryEntry(LossAggregation aggregation, double klCoef)
    {
        using var policy = new TrainableBigram(11, seed: 1);
        using var reference = new TrainableBigram(11, seed: 2);
        var batch = TrainingFixtures.Batch(policy, seed: 3, groups: 2, groupSize: 3, noise: 0.4, masked: 4);
        var options = Options(aggregation, klCoef, microBatchTokens: 12);
        using var optimizer = new PolicyOptimizer(policy, options, reference);

        var pass = optimizer.AccumulateGradients(batch);
        var analytic = policy.Table.grad!.data<double>().ToArray();
        var numeric = FiniteDifferences(optimizer, policy.Table, batch, Enumerable.Range(0, analytic.Length), 1e-6);

        var error = MaxRelativeError(analytic, numeric, floor: 1e-7);
        var normwise = analytic.Zip(numeric, (a, n) => Math.Abs(a - n)).Max() / analytic.Max(Math.Abs);
        output.WriteLine($"{aggregation} kl {klCoef}: loss {pass.Loss:F6}, max |g| {analytic.Max(Math.Abs):E3}, " +
            $"max entry relative error {error:E2}, max |Δ| / max |g| {normwise:E2}");
        Assert.True(pass.Finite);
        Assert.True(error < 1e-6, $"max relative error {error:E2}");
        Assert.True(pass.Sums.ClippedLow + pass.Sums.ClippedHigh > 0, "the batch should exercise the clip");
    }

    [Fact]
    public void Gradient_TinyQwen3Float64_MatchesFiniteDifferencesOnLargestEntries()
    {
        using var policy = TinyQwen3.Create(5, dtype: ScalarType.Float64);
        var batch = TrainingFixtures.Batch(policy, seed: 6, groups: 2, groupSize: 2, noise: 0.3);
        using var optimizer = new PolicyOptimizer(policy, Options(LossAggregation.SeqMeanTokenMean, 0, microBatchTokens: 16));

        optimizer.AccumulateGradients(batch);
        var checkedEntries = policy.named_parameters()
            .Select(p => (p.name, p.parameter, Largest: LargestIndices(p.parameter.grad!.data<double>().ToArray(), 2)))
            .ToList();
        var worst = 0.0;
        foreach (var (name, parameter, indices) in checkedEntries)
        {
            var analytic = indices.Select(i => parameter.grad!.data<double>()[i]).ToArray();
            var numeric = FiniteDifferences(optimizer, parameter, batch, indices, 1e-3);
            var error = MaxRelativeError(analytic, numeric, floor: 1e-4);
            worst = Math.Max(worst, error);
            Assert.True(error < 1e-2, $"{name}: relative error {error:E2}");
        }
        output.WriteLine($"tiny Qwen3 float64: {checkedEntries.Count} tensors × 2 largest entries, max relative error {worst:E2}");
    }

    private static LearnerOptions Options(LossAggregation aggregation, double klCoef, int microBatchTokens) => new()
    {
        Loss = new PolicyLossOptions { Aggregation = aggregation, KlCoef = klCoef, ClipLow = 0.2, ClipHigh = 0.28, LossScaleTokens = 8 },
        MicroBatchTokens = microBatchTokens,
    };

    /// <summary>(L(θ + h·e_i) − L(θ − h·e_i)) / 2h for each flat index i of <paramref name="parameter"/>.</summary>
    private static double[] FiniteDifferences(PolicyOptimizer optimizer, Tensor parameter, List<TrainingSample> batch, IEnumerable<int> indices, double h)
    {
        var flat = parameter.detach().view(-1);
        var result = new List<double>();
        foreach (var i in indices)
        {
            var original = flat[i].item<double>();
            using (torch.no_grad()) flat[i].fill_(original + h);
            var plus = optimizer.AccumulateGradients(batch).Loss;
            using (torch.no_grad()) flat[i].fill_(original - h);
            var minus = optimizer.AccumulateGradients(batch).Loss;
            using (torch.no_grad()) flat[i].fill_(original);
            result.Add((plus - minus) / (2 * h));
        }
        optimizer.AccumulateGradients(batch); // leave the gradient at θ
        return [.. result];
    }

    private static int[] LargestIndices(double[] values, int count) =>
        values.Select((v, i) => (v, i)).OrderByDescending(p => Math.Abs(p.v)).Take(count).Select(p => p.i).ToArray();

    private static double MaxRelativeError(double[] a, double[] b, double floor) =>
        a.Zip(b, (x, y) => Math.Abs(x - y) / Math.Max(floor, Math.Max(Math.Abs(x), Math.Abs(y)))).Max();
}
