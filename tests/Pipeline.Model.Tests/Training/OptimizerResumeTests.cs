// Exact resume: k updates in one go equal j updates, Save, a fresh model (weights copied, as a checkpoint load would)
// and a fresh optimiser that Loads, then k − j more updates — with warm-up, weight decay, several mini-batches and
// passes (so the schedule, the shuffle seeds and AdamW's moments and step counts all have to be restored).
using Pipeline.Model.Qwen3;
using Pipeline.Model.Training;

namespace Pipeline.Model.Tests.Training;

public sealed class OptimizerResumeTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"pipeline-resume-{Guid.NewGuid():N}");

    private static readonly LearnerOptions Options = new()
    {
        LearningRate = 1e-2,
        WarmupSteps = 2,
        WeightDecay = 0.01,
        PpoEpochs = 2,
        MiniBatches = 2,
        MicroBatchTokens = 24,
        Seed = 7,
    };

    [Fact]
    public void SaveLoad_MidRun_ContinuesExactlyAsAnUninterruptedRun()
    {
        using var reference = TinyQwen3.Create(101);
        var batches = Enumerable.Range(0, 3).Select(i => TrainingFixtures.Batch(reference, seed: 200 + i, groups: 3, groupSize: 2)).ToList();

        using var straight = TinyQwen3.Create(101);
        using (var optimizer = new PolicyOptimizer(straight, Options))
            foreach (var batch in batches) optimizer.Update(batch);

        using var interrupted = TinyQwen3.Create(101);
        using (var optimizer = new PolicyOptimizer(interrupted, Options))
        {
            optimizer.Update(batches[0]);
            optimizer.Save(_folder);
        }
        using var resumed = TinyQwen3.Create(999);
        TrainingFixtures.CopyWeights(interrupted, resumed);
        using (var optimizer = new PolicyOptimizer(resumed, Options))
        {
            optimizer.Load(_folder);
            Assert.Equal((1L, 4L), (optimizer.TrainingSteps, optimizer.OptimizerSteps));
            foreach (var batch in batches.Skip(1)) optimizer.Update(batch);
        }

        var error = TrainingFixtures.MaxRelativeError(TrainingFixtures.Weights(straight), TrainingFixtures.Weights(resumed), floor: 1e-6);
        Assert.True(error < 1e-6, $"resumed weights differ by {error:E2}");
        Assert.NotEqual(TrainingFixtures.Weights(reference), TrainingFixtures.Weights(resumed));
    }

    [Fact]
    public void Load_WithoutLoadingTheState_Diverges()
    {
        using var model = TinyQwen3.Create(102);
        var batches = Enumerable.Range(0, 2).Select(i => TrainingFixtures.Batch(model, seed: 300 + i, groups: 2, groupSize: 2)).ToList();
        using var straight = TinyQwen3.Create(102);
        using (var optimizer = new PolicyOptimizer(straight, Options))
            foreach (var batch in batches) optimizer.Update(batch);

        using (var optimizer = new PolicyOptimizer(model, Options)) optimizer.Update(batches[0]);
        using (var fresh = new PolicyOptimizer(model, Options)) fresh.Update(batches[1]); // moments and schedule lost

        Assert.True(TrainingFixtures.MaxRelativeError(TrainingFixtures.Weights(straight), TrainingFixtures.Weights(model), floor: 1e-6) > 1e-3);
    }

    [Fact]
    public void Load_StateOfAnotherArchitecture_ThrowsBeforeTouchingTheOptimizer()
    {
        using var small = new TrainableBigram(5, seed: 1);
        using (var optimizer = new PolicyOptimizer(small, Options)) optimizer.Save(_folder);
        using var other = new TrainableBigram(6, seed: 1);
        using var mismatched = new PolicyOptimizer(other, Options);

        var error = Assert.Throws<InvalidDataException>(() => mismatched.Load(_folder));

        Assert.Contains("1 parameters (25 values), this policy has 1 (36)", error.Message);
    }

    [Fact]
    public void Load_MissingFolder_SaysWhatIsMissing()
    {
        using var model = new TrainableBigram(5, seed: 1);
        using var optimizer = new PolicyOptimizer(model, Options);

        var error = Assert.Throws<FileNotFoundException>(() => optimizer.Load(_folder));

        Assert.Contains("no saved learner state", error.Message);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
