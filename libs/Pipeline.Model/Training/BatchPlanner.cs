// How one learner update walks its batch (verl's ppo_epochs × ppo_mini_batch_size × micro-batches, with
// use_dynamic_bsz's token cap):
//   epochs       — ppoEpochs passes over the same samples;
//   mini-batches — each pass shuffles the GROUPS (seeded, so a resumed run replays the same order) and deals them into
//                  miniBatches nearly equal chunks, one optimiser step each. A group is never split: GRPO's advantages
//                  are relative within it, and the spec validator requires miniBatches ≤ promptsPerStep for this reason;
//   micro-batches — a mini-batch's samples sorted by length (longest first, so an out-of-memory shows up on the first
//                  micro-batch, not the last) and cut greedily so that rows × longest row ≤ microBatchTokens, counting
//                  prompt and response tokens: that product is what a right-padded forward really computes. A single
//                  sample above the cap gets a micro-batch of its own rather than being dropped.
// Only samples that contribute to the loss (Trains and a non-empty response) are planned: a masked response would cost
// a forward pass and change nothing.
//
// Left out: sequence packing without padding (varlen attention), which the model's SDPA path does not support.
namespace Pipeline.Model.Training;

/// <summary>Mini-batch and micro-batch planning (see the file header). Pure and deterministic.</summary>
public static class BatchPlanner
{
    /// <summary>
    /// The mini-batches of one pass: contributing samples grouped by <see cref="TrainingSample.GroupId"/>, groups shuffled
    /// by <paramref name="seed"/>, dealt into min(<paramref name="miniBatches"/>, groups) chunks whose group counts differ by
    /// at most one. Within a chunk samples keep their batch order. Empty when no sample contributes.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<TrainingSample>> MiniBatches(IReadOnlyList<TrainingSample> batch, int miniBatches, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(miniBatches, 1);
        var groups = batch.Where(s => s.Contributes).GroupBy(s => s.GroupId, StringComparer.Ordinal).Select(g => g.ToList()).ToList();
        Shuffle(groups, new Random(seed));
        var count = Math.Min(miniBatches, groups.Count);
        var result = new List<IReadOnlyList<TrainingSample>>(count);
        var start = 0;
        for (var m = 0; m < count; m++)
        {
            var size = groups.Count / count + (m < groups.Count % count ? 1 : 0);
            result.Add(groups.GetRange(start, size).SelectMany(g => g).ToList());
            start += size;
        }
        return result;
    }

    /// <summary>
    /// Micro-batches of <paramref name="miniBatch"/>: sorted by <see cref="TrainingSample.TotalTokens"/>, longest first (ties in
    /// input order), cut so that rows × longest ≤ <paramref name="maxTokens"/> (a longer sample alone). Every sample appears once.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<TrainingSample>> MicroBatches(IReadOnlyList<TrainingSample> miniBatch, int maxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        var sorted = miniBatch.Select((s, i) => (Sample: s, Index: i))
            .OrderByDescending(p => p.Sample.TotalTokens).ThenBy(p => p.Index).Select(p => p.Sample).ToList();
        var result = new List<IReadOnlyList<TrainingSample>>();
        var current = new List<TrainingSample>();
        foreach (var sample in sorted)
        {
            // Sorted longest first: the current micro-batch's longest row is its first one.
            var longest = current.Count == 0 ? sample.TotalTokens : current[0].TotalTokens;
            if (current.Count > 0 && (long)(current.Count + 1) * longest > maxTokens)
            {
                result.Add(current);
                current = [];
            }
            current.Add(sample);
        }
        if (current.Count > 0) result.Add(current);
        return result;
    }

    /// <summary>The shuffle seed of pass <paramref name="epoch"/> of training step <paramref name="trainingStep"/> (stable across processes).</summary>
    public static int ShuffleSeed(int seed, long trainingStep, int epoch) =>
        unchecked((int)((seed * 1_000_003L) ^ (trainingStep * 7_919L) ^ (epoch * 104_729L)));

    private static void Shuffle<T>(List<T> items, Random random)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
