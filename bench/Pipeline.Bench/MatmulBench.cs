using static TorchSharp.torch;

namespace Pipeline.Bench;

/// <summary>This machine's matrix-multiply throughput: the roofline the model numbers are read against.</summary>
internal static class MatmulBench
{
    public sealed record Result(string DType, int Size, double Seconds, double GFlops);

    public static IReadOnlyList<Result> Run(bool quick)
    {
        var results = new List<Result>();
        foreach (var size in quick ? new[] { 512 } : [512, 1024])
        {
            results.Add(Measure(ScalarType.Float32, size, repeats: 5));
        }
        // bf16 against f32 at the same size: fast with AVX512-BF16/AMX, very slow without (small size: it can take seconds).
        results.Add(Measure(ScalarType.BFloat16, 256, repeats: 5));
        results.Add(Measure(ScalarType.Float32, 256, repeats: 5));
        return results;
    }

    private static Result Measure(ScalarType dtype, int size, int repeats)
    {
        using var scope = NewDisposeScope();
        var a = randn(size, size).to(dtype);
        var b = randn(size, size).to(dtype);
        var seconds = Stopwatches.Median(repeats, () => { using var c = a.matmul(b); });
        var flops = 2.0 * size * size * size;
        return new Result(dtype.ToString(), size, seconds, flops / seconds / 1e9);
    }
}
