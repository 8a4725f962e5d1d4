// Mini-batches keep groups whole, use every contributing sample once and are reproducible from the seed;
// micro-batches respect the padded-token cap, go longest first, and never drop an oversized sample.
using Pipeline.Model.Training;

namespace Pipeline.Model.Tests.Training;

public class BatchPlannerTests
{
    [Fact]
    public void MicroBatches_UnderCap_PaddedSizeFitsAndEverySampleOnce()
    {
        var samples = Lengths(9, 3, 7, 2, 5, 5, 4, 8, 1);

        var micro = BatchPlanner.MicroBatches(samples, 16);

        Assert.All(micro, m => Assert.True(m.Count * m.Max(s => s.TotalTokens) <= 16 || m.Count == 1));
        Assert.Equal(samples.OrderBy(s => s.GroupId), micro.SelectMany(m => m).OrderBy(s => s.GroupId));
        Assert.Equal([9, 8, 7, 5, 5, 4, 3, 2, 1], micro.SelectMany(m => m).Select(s => s.TotalTokens));
        Assert.Equal([[9], [8, 7], [5, 5, 4], [3, 2, 1]], micro.Select(m => m.Select(s => s.TotalTokens).ToArray()));
    }

    [Fact]
    public void MicroBatches_SampleAboveCap_GetsItsOwnMicroBatch()
    {
        var micro = BatchPlanner.MicroBatches(Lengths(40, 3, 3), 10);

        Assert.Equal([[40], [3, 3]], micro.Select(m => m.Select(s => s.TotalTokens).ToArray()));
    }

    [Fact]
    public void MiniBatches_KeepGroupsWholeAndDropMaskedSamples()
    {
        var batch = Groups(5, 3);
        batch[4] = batch[4] with { Trains = false };

        var mini = BatchPlanner.MiniBatches(batch, 2, seed: 3);

        Assert.Equal(2, mini.Count);
        Assert.Equal(14, mini.Sum(m => m.Count));
        Assert.DoesNotContain(batch[4], mini.SelectMany(m => m));
        var groupsPerMiniBatch = mini.Select(m => m.Select(s => s.GroupId).Distinct().ToList()).ToList();
        Assert.Empty(groupsPerMiniBatch[0].Intersect(groupsPerMiniBatch[1]));
        Assert.Equal([2, 3], groupsPerMiniBatch.Select(g => g.Count).Order());
    }

    [Fact]
    public void MiniBatches_SameSeed_SameOrder_OtherSeed_Shuffled()
    {
        var batch = Groups(8, 2);

        var a = BatchPlanner.MiniBatches(batch, 4, seed: 1).Select(m => m.Select(s => s.GroupId).First()).ToArray();
        var b = BatchPlanner.MiniBatches(batch, 4, seed: 1).Select(m => m.Select(s => s.GroupId).First()).ToArray();
        var c = BatchPlanner.MiniBatches(batch, 8, seed: 2).Select(m => m[0].GroupId).ToArray();

        Assert.Equal(a, b);
        Assert.NotEqual(batch.Select(s => s.GroupId).Distinct(), c);
    }

    [Fact]
    public void MiniBatches_MoreMiniBatchesThanGroups_OnePerGroup()
    {
        Assert.Equal(3, BatchPlanner.MiniBatches(Groups(3, 2), 5, seed: 0).Count);
        Assert.Empty(BatchPlanner.MiniBatches([], 2, seed: 0));
    }

    private static List<TrainingSample> Lengths(params int[] totals) =>
        totals.Select((n, i) => new TrainingSample([1], Enumerable.Repeat(2, n - 1).ToArray(), new float[n - 1], 1, true, 0, $"s{i}")).ToList();

    private static List<TrainingSample> Groups(int groups, int size) =>
        Enumerable.Range(0, groups * size).Select(i => new TrainingSample([1, 2], [3], [-1f], 1, true, 0, $"g{i / size}")).ToList();
}
