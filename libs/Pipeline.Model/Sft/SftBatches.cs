// Batches of SFT examples as tensors, and length bucketing to cut padding.
//
// Collate right-pads every sequence to the longest of the batch. Inputs are the sequence without its last token,
// targets the sequence shifted by one, so position j predicts token j + 1; a target is IgnoreIndex (no loss) when
// token j + 1 belongs to the prompt or is padding. Right padding needs no attention mask: with causal attention a
// real token never sees the padding that follows it, so the model runs its fused causal path.
// Bucketed draws BucketBatches × BatchSize examples at once, sorts them by length, cuts them into batches and
// shuffles the batch order: batches hold sequences of similar length (far less padding) while the order of lengths
// over steps stays random.
//
// Shapes: B examples, T longest sequence − 1.
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Sft;

/// <summary>A collated batch: input ids (B, T) and targets (B, T) with <see cref="SftBatches.IgnoreIndex"/> where no loss applies.</summary>
public sealed class SftBatch(Tensor inputIds, Tensor targets, int responseTokens, long realPositions) : IDisposable
{
    public Tensor InputIds { get; } = inputIds;
    public Tensor Targets { get; } = targets;

    /// <summary>Target positions that carry a loss (response tokens, EOS included).</summary>
    public int ResponseTokens { get; } = responseTokens;

    /// <summary>Positions computed, padding included: B × T.</summary>
    public long Positions => InputIds.shape[0] * InputIds.shape[1];

    /// <summary>Positions holding a real token (Positions minus padding).</summary>
    public long RealPositions { get; } = realPositions;

    public void Dispose()
    {
        InputIds.Dispose();
        Targets.Dispose();
    }
}

/// <summary>Collation and length bucketing (see the file header).</summary>
public static class SftBatches
{
    /// <summary>The target value that carries no loss (torch's cross_entropy default ignore_index).</summary>
    public const long IgnoreIndex = -100;

    /// <summary>Right-padded inputs and shifted, prompt-masked targets of <paramref name="examples"/>.</summary>
    public static SftBatch Collate(IReadOnlyList<SftExample> examples, int padId, Device? device = null)
    {
        if (examples.Count == 0) throw new ArgumentException("a batch needs at least one example", nameof(examples));
        if (examples.Any(e => e.PromptIds.Length == 0 || e.ResponseIds.Length == 0))
            throw new ArgumentException("every example needs at least one prompt and one response token", nameof(examples));
        var width = examples.Max(e => e.Length) - 1;
        var inputs = new long[examples.Count * width];
        var targets = new long[examples.Count * width];
        Array.Fill(inputs, padId);
        Array.Fill(targets, IgnoreIndex);
        var responseTokens = 0;
        var realPositions = 0L;
        for (var b = 0; b < examples.Count; b++)
        {
            int[] sequence = [.. examples[b].PromptIds, .. examples[b].ResponseIds];
            var promptLength = examples[b].PromptIds.Length;
            for (var j = 0; j < sequence.Length - 1; j++)
            {
                inputs[(b * width) + j] = sequence[j];
                if (j + 1 >= promptLength) targets[(b * width) + j] = sequence[j + 1];
            }
            responseTokens += examples[b].ResponseIds.Length;
            realPositions += sequence.Length - 1;
        }
        long[] shape = [examples.Count, width];
        return new SftBatch(torch.tensor(inputs, shape, device: device), torch.tensor(targets, shape, device: device), responseTokens, realPositions);
    }

    /// <summary>
    /// An endless sequence of batches of <paramref name="batchSize"/> examples from <paramref name="next"/>, bucketed by
    /// length over <paramref name="bucketBatches"/> batches at a time (1: no bucketing); the order is fixed by <paramref name="random"/>.
    /// </summary>
    public static IEnumerable<IReadOnlyList<SftExample>> Bucketed(Func<SftExample> next, int batchSize, int bucketBatches, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketBatches, 1);
        while (true)
        {
            var pool = Enumerable.Range(0, batchSize * bucketBatches).Select(_ => next()).ToList();
            if (bucketBatches > 1) pool = [.. pool.OrderBy(e => e.Length)];   // stable: ties keep draw order
            var batches = pool.Chunk(batchSize).ToArray();
            random.Shuffle(batches);
            foreach (var batch in batches) yield return batch;
        }
    }
}
