// A mock causal LM with known logits: the next-token logits depend only on the current token (a bigram table), so a
// test knows exactly what every step sees. It checks the shapes the generator hands it like the real model does
// (mask covers cache + new tokens, positions given) and records each forward's batch size.
using Pipeline.Model.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Tests.Generation;

internal sealed class BigramMockModel(float[][] table) : ICausalLM
{
    public List<long> BatchSizes { get; } = [];

    public int VocabSize => table.Length;

    public Device Device => torch.CPU;

    /// <summary>Row a: logits of the token after a; the greedy successor of a is <c>(a + 1) % V</c> (V ≤ 60).</summary>
    public static float[][] Successors(int vocabSize) =>
        Enumerable.Range(0, vocabSize).Select(a => Enumerable.Range(0, vocabSize).Select(b => b == (a + 1) % vocabSize ? 3f : 0.05f * b).ToArray()).ToArray();

    public Tensor Forward(Tensor inputIds, Tensor? positionIds = null, Tensor? attentionMask = null, KvCache? cache = null, int logitsToKeep = 0)
    {
        long b = inputIds.shape[0], t = inputIds.shape[1];
        Assert.NotNull(positionIds);
        Assert.Equal([b, t], positionIds!.shape);
        Assert.NotNull(cache);
        Assert.Equal([b, cache!.Length + t], attentionMask!.shape);
        Assert.Equal(b, cache.BatchSize);
        BatchSizes.Add(b);
        cache.Advance((int)t);
        var keep = logitsToKeep > 0 ? Math.Min(logitsToKeep, t) : t;
        var ids = inputIds.narrow(1, t - keep, keep).data<long>().ToArray();
        var rows = ids.SelectMany(id => table[id]).ToArray();
        return torch.tensor(rows, [b, keep, VocabSize]);
    }

    public KvCache NewCache(long batchSize, int capacity) => new(0, batchSize, 1, 1, capacity, Device, ScalarType.Float32);
}
