using Pipeline.Core.Spec;
using Pipeline.Model.Qwen3;
using Pipeline.Model.Sft;

namespace Pipeline.Model.Tests.Sft;

public class SftTrainerTests
{
    [Fact]
    public void AFewSteps_OnATinyRandomModel_ReduceTheLoss()
    {
        using var model = TinyQwen3.Create(seed: 1, std: 0.02);
        var random = new Random(3);
        var examples = Enumerable.Range(0, 8)
            .Select(_ => new SftExample([.. Enumerable.Range(0, 4).Select(_ => random.Next(97))], [.. Enumerable.Range(0, 6).Select(_ => random.Next(97))]))
            .ToList();
        using var batch = SftBatches.Collate(examples, 0);
        using var trainer = new SftTrainer(model, new SftOptimizerSpec { Steps = 30, LearningRate = 1e-2, WarmupSteps = 2 });

        var losses = Enumerable.Range(1, 30).Select(step => trainer.Step(batch, step).Loss).ToList();

        Assert.True(losses[^1] < 0.5 * losses[0], $"loss {losses[0]:F3} -> {losses[^1]:F3}");
        Assert.Equal(0, trainer.SkippedSteps);
    }

    [Fact]
    public void Steps_FromTheSameSeed_AreReproducible()
    {
        double Run()
        {
            using var model = SftRecipe.CreateModel(TinyQwen3.Config(), 0.02, seed: 9);
            using var batch = SftBatches.Collate([new SftExample([1, 2, 3], [4, 5, 6, 7])], 0);
            using var trainer = new SftTrainer(model, new SftOptimizerSpec { Steps = 5, WarmupSteps = 1 });
            return Enumerable.Range(1, 5).Select(s => trainer.Step(batch, s).Loss).Last();
        }

        Assert.Equal(Run(), Run());
    }

    [Theory]
    [InlineData(1, 0.1)]      // warm-up: peak · 1/10
    [InlineData(10, 1.0)]     // end of warm-up: the peak
    [InlineData(55, 0.55)]    // half-way through the cosine: (peak + min) / 2
    [InlineData(100, 0.1)]    // the end: min = peak · ratio
    public void Schedule_WarmsUpLinearlyThenDecaysByCosine(int step, double expected)
    {
        var schedule = new LearningRateSchedule(Peak: 1.0, Steps: 100, WarmupSteps: 10, MinRatio: 0.1);

        Assert.Equal(expected, schedule.At(step), 6);
    }
}
