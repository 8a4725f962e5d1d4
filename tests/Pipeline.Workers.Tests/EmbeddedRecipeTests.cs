using System.Text.Json.Nodes;
using Pipeline.Core.Spec;
using Pipeline.Workers.Embedded;

namespace Pipeline.Workers.Tests;

/// <summary>
/// The paper's recipe on the shipped base model, short: with the truncation reward at a tight limit (L_R = L_T = 32
/// tokens, where the base finishes correctly only ~16% of the time) on-policy GRPO must raise the reward within a
/// few steps, by shortening the answers.
/// </summary>
[Trait("Category", "Slow")]
public class EmbeddedRecipeTests
{
    private static readonly string ModelFolderPath = RepoPaths.InRepo("models/tiny-reasoner");

    [Fact]
    public async Task TruncationReward_OnEasyPrompts_RisesAndShortensTheAnswers()
    {
        var yaml = $"""
            apiVersion: pipeline.efficient-reasoning.dev/v1alpha1
            kind: Experiment
            metadata: {"{"} name: reward-rises {"}"}
            spec:
              model: {"{"} path: {ModelFolderPath} {"}"}
              data:
                train: {"{"} source: "synthetic:arith", difficulty: easy {"}"}
                eval: [ {"{"} name: arith-test, source: "synthetic:arith?split=test", size: 16 {"}"} ]
              rollout: {"{"} groupSize: 8, maxTokens: 32 {"}"}
              reward: {"{"} shaping: {"{"} type: truncation, targetTokens: 32 {"}"} {"}"}
              optimizer: {"{"} learningRate: 2.0e-4, promptsPerStep: 8, steps: 12, checkpointEvery: 12 {"}"}
              evaluation: {"{"} every: 12, budgets: [32, 128], samples: 2 {"}"}
              seed: 3
            """;
        var folder = Path.Combine(Path.GetTempPath(), $"pipeline-run-{Guid.NewGuid():N}");
        var document = SpecLoader.Load(yaml).GetValidOrThrow("test");
        using (var setup = RunSetup.Prepare(document, yaml, folder, resume: false))
            await new EmbeddedExperiment(setup, new SilentObserver(), (p, s) => new GrpoTrainer(p, s)).RunAsync(false, default);

        var metrics = RunDirectory.ReadJsonLines(Path.Combine(folder, "metrics.jsonl"));
        double Mean(IEnumerable<JsonObject> steps, string key) => steps.Average(m => (double)m[key]!);
        var first = metrics.Take(3).ToList();
        var last = metrics.TakeLast(3).ToList();
        Assert.True(Mean(last, "reward_mean") > Mean(first, "reward_mean") + 0.15,
            $"reward {Mean(first, "reward_mean"):F2} over the first three steps → {Mean(last, "reward_mean"):F2} over the last three");
        Assert.True(Mean(last, "mean_length") < Mean(first, "mean_length"),
            $"mean length {Mean(first, "mean_length"):F1} → {Mean(last, "mean_length"):F1}");
    }
}
