using Pipeline.Model.Sft;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Tests.Sft;

public class SftLossTests
{
    private const int Pad = 0;

    // Two sequences: prompt [5, 6] + response [7, 8] (length 4), prompt [5] + response [9] (length 2).
    private static readonly SftExample[] Examples = [new([5, 6], [7, 8]), new([5], [9])];

    [Fact]
    public void Collate_ShiftsTargets_AndMasksPromptAndPadding()
    {
        using var batch = SftBatches.Collate(Examples, Pad);

        Assert.Equal([2L, 3L], batch.InputIds.shape);
        Assert.Equal([5L, 6, 7, 5, Pad, Pad], batch.InputIds.data<long>().ToArray());
        // Row 0: position 0 predicts 6 (prompt: no loss), 1 predicts 7, 2 predicts 8. Row 1: position 0 predicts 9.
        const long X = SftBatches.IgnoreIndex;
        Assert.Equal([X, 7L, 8, 9, X, X], batch.Targets.data<long>().ToArray());
        Assert.Equal(3, batch.ResponseTokens);
        Assert.Equal(6, batch.Positions);
        Assert.Equal(4, batch.RealPositions);
    }

    [Fact]
    public void MaskedCrossEntropy_IsTheMeanNllOfResponseTokensOnly()
    {
        using var batch = SftBatches.Collate(Examples, Pad);
        var logits = Logits(seed: 3);

        var loss = SftLoss.MaskedCrossEntropy(logits, batch.Targets).item<float>();

        // By hand: −log softmax at the three response targets, averaged over those three alone.
        var logp = logits.log_softmax(-1);
        var expected = -(logp[0, 1, 7].item<float>() + logp[0, 2, 8].item<float>() + logp[1, 0, 9].item<float>()) / 3;
        Assert.Equal(expected, loss, 5);
    }

    [Fact]
    public void MaskedCrossEntropy_IgnoresLogitsAtPromptAndPaddingPositions()
    {
        using var batch = SftBatches.Collate(Examples, Pad);
        var logits = Logits(seed: 4);
        var changed = logits.clone();
        changed[0, 0] = torch.randn(16) * 10; // predicts a prompt token
        changed[1, 1] = torch.randn(16) * 10; // padding
        changed[1, 2] = torch.randn(16) * 10; // padding

        var before = SftLoss.MaskedCrossEntropy(logits, batch.Targets).item<float>();
        var after = SftLoss.MaskedCrossEntropy(changed, batch.Targets).item<float>();

        Assert.Equal(before, after);
    }

    [Fact]
    public void MaskedCrossEntropy_GradientIsZeroAtMaskedPositions()
    {
        using var batch = SftBatches.Collate(Examples, Pad);
        var logits = Logits(seed: 5).requires_grad_();

        SftLoss.MaskedCrossEntropy(logits, batch.Targets).backward();

        var grad = logits.grad!;
        Assert.Equal(0, grad[0, 0].abs().sum().item<float>());
        Assert.Equal(0, grad[1, 1].abs().sum().item<float>());
        Assert.True(grad[0, 1].abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Bucketed_BatchesHoldSimilarLengths_AndAreReproducible()
    {
        var lengths = new Random(1);
        SftExample Next() => new([1], [.. Enumerable.Repeat(2, lengths.Next(1, 100))]);

        var batches = SftBatches.Bucketed(Next, batchSize: 8, bucketBatches: 8, new Random(2)).Take(8).ToList();

        var spread = batches.Average(b => b.Max(e => e.Length) - b.Min(e => e.Length));
        Assert.InRange(spread, 0, 25);   // unbucketed batches of 8 from 1..99 would spread ~75
        lengths = new Random(1);
        var again = SftBatches.Bucketed(Next, 8, 8, new Random(2)).Take(8).ToList();
        Assert.Equal(batches.Select(b => b.Sum(e => e.Length)), again.Select(b => b.Sum(e => e.Length)));
    }

    private static Tensor Logits(int seed)
    {
        using var generator = new Generator((ulong)seed);
        return torch.randn([2, 3, 16], generator: generator);
    }
}
