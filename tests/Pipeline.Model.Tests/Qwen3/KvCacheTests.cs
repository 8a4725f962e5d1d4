// The KV cache and padding must not change what the model computes: prefill + one-token decode steps give the
// full-forward logits, and a left-padded ragged batch gives every row's logits as if it were alone.
using Pipeline.Model.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Tests.Qwen3;

public class KvCacheTests
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(false, 5)]
    [InlineData(true, 1)]
    public void Forward_PrefillThenDecodeSteps_EqualsFullForward(bool tied, int prefill)
    {
        using var model = TinyQwen3.Create(11, TinyQwen3.Config(tieWordEmbeddings: tied));
        using var noGrad = torch.no_grad();
        var sequence = TestSequences.Random(11, model.VocabSize, 12)[0];
        using var full = model.Forward(Ids(sequence)); // (1, 12, V)
        using var cache = model.NewCache(1, capacity: 4); // smaller than needed: growth is exercised too

        using var first = model.Forward(Ids(sequence[..prefill]), cache: cache);
        var worst = MaxDifference(first, full.narrow(1, 0, prefill));
        for (var t = prefill; t < sequence.Length; t++)
        {
            using var step = model.Forward(Ids([sequence[t]]), cache: cache); // default positions continue from the cache
            worst = Math.Max(worst, MaxDifference(step, full.narrow(1, t, 1)));
        }

        Assert.Equal(sequence.Length, cache.Length);
        Assert.InRange(worst, 0, Tolerance);
    }

    [Fact]
    public void Forward_LeftPaddedRaggedBatch_EqualsEachSequenceAlone()
    {
        using var model = TinyQwen3.Create(12);
        using var noGrad = torch.no_grad();
        var sequences = TestSequences.Random(12, model.VocabSize, 7, 3, 10);
        var (ids, mask) = LeftPadded(sequences);
        using var positions = ForwardInputs.PositionsFromMask(mask);

        using var batch = model.Forward(ids, positions, mask); // (3, 10, V)

        var worst = 0.0;
        for (var b = 0; b < sequences.Length; b++)
        {
            using var alone = model.Forward(Ids(sequences[b])); // (1, n, V)
            var n = sequences[b].Length;
            using var row = batch.narrow(0, b, 1).narrow(1, 10 - n, n);
            worst = Math.Max(worst, MaxDifference(row, alone));
        }
        Assert.InRange(worst, 0, Tolerance);
    }

    [Fact]
    public void Forward_LeftPaddedBatchWithCacheAndDroppedRow_EqualsEachSequenceAlone()
    {
        using var model = TinyQwen3.Create(13);
        using var noGrad = torch.no_grad();
        var sequences = TestSequences.Random(13, model.VocabSize, 6, 4, 8);
        var prompts = sequences.Select(s => s[..^2]).ToArray(); // 4, 2, 6 tokens
        var (ids, mask) = LeftPadded(prompts);
        using var cache = model.NewCache(3, 16);
        using var positions = ForwardInputs.PositionsFromMask(mask);
        using var prefill = model.Forward(ids, positions, mask, cache);

        cache.KeepRows([2, 0]); // row 1 finished; the others continue in a new order
        var kept = new[] { 2, 0 };
        var padding = kept.Select(b => 6 - prompts[b].Length).ToArray();
        var worst = 0.0;
        for (var step = 0; step < 2; step++)
        {
            var next = torch.tensor(kept.Select(b => (long)sequences[b][^(2 - step)]).ToArray(), [2, 1]);
            var stepPositions = torch.tensor(kept.Select(b => (long)(prompts[b].Length + step)).ToArray(), [2, 1]);
            var stepMask = torch.tensor(kept.SelectMany((b, r) => Enumerable.Range(0, cache.Length + 1).Select(j => j >= padding[r])).ToArray(), [2, cache.Length + 1]);
            using var logits = model.Forward(next, stepPositions, stepMask, cache); // (2, 1, V)
            for (var r = 0; r < 2; r++)
            {
                using var alone = model.Forward(Ids(sequences[kept[r]])); // (1, n, V)
                var t = prompts[kept[r]].Length + step;
                worst = Math.Max(worst, MaxDifference(logits.narrow(0, r, 1), alone.narrow(1, t, 1)));
            }
        }
        Assert.InRange(worst, 0, Tolerance);
    }

    [Fact]
    public void KvCache_KeepRowsOutOfRange_Throws()
    {
        using var cache = new KvCache(2, 3, 2, 4, 8, torch.CPU, ScalarType.Float32);

        Assert.Throws<ArgumentOutOfRangeException>(() => cache.KeepRows([3]));
        Assert.Throws<ArgumentException>(() => cache.KeepRows([]));
    }

    internal static Tensor Ids(int[] sequence) => torch.tensor(sequence.Select(i => (long)i).ToArray(), [1, sequence.Length]);

    internal static (Tensor Ids, Tensor Mask) LeftPadded(int[][] sequences)
    {
        var length = sequences.Max(s => s.Length);
        var ids = sequences.SelectMany(s => Enumerable.Repeat(0L, length - s.Length).Concat(s.Select(i => (long)i))).ToArray();
        var mask = sequences.SelectMany(s => Enumerable.Range(0, length).Select(j => j >= length - s.Length)).ToArray();
        return (torch.tensor(ids, [sequences.Length, length]), torch.tensor(mask, [sequences.Length, length]));
    }

    private static double MaxDifference(Tensor a, Tensor b)
    {
        using var difference = (a - b).abs().max();
        return difference.item<float>();
    }
}
