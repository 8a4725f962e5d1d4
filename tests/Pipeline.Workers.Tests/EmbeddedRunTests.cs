using System.Text.Json.Nodes;
using Pipeline.Core.Spec;
using Pipeline.Model;
using Pipeline.Workers;
using Pipeline.Workers.Embedded;

namespace Pipeline.Workers.Tests;

/// <summary>Cancels the run once a given step has been written (an interruption between steps).</summary>
internal sealed class InterruptingObserver(int afterStep, CancellationTokenSource cancel) : IRunObserver
{
    public void Phase(string description) { }
    public void Progress(int done, int total) { }
    public void Message(string line) { }

    public void Step(IReadOnlyDictionary<string, double?> metrics, int totalSteps)
    {
        if (metrics["step"] >= afterStep) cancel.Cancel();
    }
}

[Trait("Category", "Slow")]
public class EmbeddedRunTests
{
    private static readonly string ModelFolderPath = RepoPaths.InRepo("models/tiny-reasoner");

    // The shipped base model's sampled answers vary in length (it was trained on a random amount of redundancy), so
    // l1-exact rewards differ inside every group and training really changes the weights at every step (what resume
    // must reproduce). A random model is no good here: it almost never samples EOS, so every answer hits the cap,
    // all lengths are equal and the advantages can be all zero on another CPU's rounding.
    private string Spec(int steps, int every) => $"""
        apiVersion: pipeline.efficient-reasoning.dev/v1alpha1
        kind: Experiment
        metadata: {"{"} name: resume-test {"}"}
        spec:
          model: {"{"} path: {ModelFolderPath} {"}"}
          data:
            train: {"{"} source: "synthetic:arith", difficulty: easy {"}"}
            eval: [ {"{"} name: arith-test, source: "synthetic:arith?split=test", size: 6 {"}"} ]
          rollout: {"{"} groupSize: 4, maxTokens: 96 {"}"}
          reward: {"{"} shaping: {"{"} type: l1-exact, targetTokens: 24, alpha: 0.01 {"}"} {"}"}
          optimizer: {"{"} learningRate: 1.0e-3, promptsPerStep: 3, steps: {steps}, checkpointEvery: 1, maxGradNorm: 0 {"}"}
          evaluation: {"{"} every: {every}, budgets: [32, 96], samples: 2 {"}"}
          seed: 5
        """;

    private async Task<string> RunAsync(string yaml, string folder, bool resume = false, IRunObserver? observer = null, CancellationToken cancel = default)
    {
        var document = SpecLoader.Load(yaml).GetValidOrThrow("test");
        using var setup = RunSetup.Prepare(document, yaml, folder, resume);
        var experiment = new EmbeddedExperiment(setup, observer ?? new SilentObserver(), (p, s) => new GrpoTrainer(p, s));
        await experiment.RunAsync(resume, cancel);
        return folder;
    }

    private static string NewFolder() => Path.Combine(Path.GetTempPath(), $"pipeline-run-{Guid.NewGuid():N}");

    // Everything but wall-clock timings must match.
    private static IReadOnlyList<string> Comparable(string path) =>
        RunDirectory.ReadJsonLines(path).Select(line =>
        {
            foreach (var key in line.Select(kv => kv.Key).Where(k => k.EndsWith("seconds", StringComparison.Ordinal) || k.EndsWith("per_second", StringComparison.Ordinal)).ToList())
                line.Remove(key);
            return line.ToJsonString();
        }).ToList();

    [Fact]
    public async Task Run_WritesMetricsEvaluationsAndLoadableCheckpoints()
    {
        var folder = await RunAsync(Spec(steps: 3, every: 2), NewFolder());

        var metrics = RunDirectory.ReadJsonLines(Path.Combine(folder, "metrics.jsonl"));
        var evals = RunDirectory.ReadJsonLines(Path.Combine(folder, "eval.jsonl"));
        Assert.Equal([1, 2, 3], metrics.Select(m => (int)m["step"]!));
        Assert.Equal([0, 0, 2, 2, 3, 3], evals.Select(e => (int)e["step"]!));   // step 0, every 2, and the last; two budgets each
        Assert.All(evals, e => Assert.NotNull(e["mean_at_k"]));
        Assert.All(["accuracy", "reward_mean", "mean_length", "entropy", "grad_norm", "clip_fraction", "truncation_rate", "zero_variance_fraction"],
            key => Assert.True(metrics[0].ContainsKey(key), key));
        Assert.True(File.Exists(Path.Combine(folder, "spec.yaml")));
        using var checkpoint = ModelFolder.Load(Path.Combine(folder, "checkpoints", "step-3"));
        Assert.Equal(3, Directory.GetDirectories(Path.Combine(folder, "checkpoints")).Length);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]   // right after an evaluation (every: 2)
    public async Task Resume_AfterAnInterruption_EndsExactlyLikeAnUninterruptedRun(int interruptAfter)
    {
        var yaml = Spec(steps: 4, every: 2);
        var uninterrupted = await RunAsync(yaml, NewFolder());

        var interrupted = NewFolder();
        using var cancel = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            RunAsync(yaml, interrupted, observer: new InterruptingObserver(interruptAfter, cancel), cancel: cancel.Token));
        await RunAsync(yaml, interrupted, resume: true);

        var trained = RunDirectory.ReadJsonLines(Path.Combine(uninterrupted, "metrics.jsonl"));
        Assert.All(trained, m => Assert.True((double)m["grad_norm"]! > 0)); // the weights really changed at every step
        Assert.Equal(Comparable(Path.Combine(uninterrupted, "metrics.jsonl")), Comparable(Path.Combine(interrupted, "metrics.jsonl")));
        Assert.Equal(Comparable(Path.Combine(uninterrupted, "eval.jsonl")), Comparable(Path.Combine(interrupted, "eval.jsonl")));
    }

    [Fact]
    public void Prepare_MissingModelFolder_FailsBeforeAnyWork()
    {
        var yaml = Spec(steps: 1, every: 1).Replace(ModelFolderPath, "/no/such/model", StringComparison.Ordinal);
        var folder = NewFolder();

        var e = Assert.Throws<DirectoryNotFoundException>(() => RunSetup.Prepare(SpecLoader.Load(yaml).GetValidOrThrow("t"), yaml, folder, false));

        Assert.Contains("/no/such/model", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task Prepare_ExistingRunWithoutResume_IsRefused()
    {
        var folder = await RunAsync(Spec(steps: 1, every: 1), NewFolder());

        var e = Assert.Throws<IOException>(() => RunSetup.Prepare(SpecLoader.Load(Spec(1, 1)).GetValidOrThrow("t"), Spec(1, 1), folder, false));

        Assert.Contains("--resume", e.Message, StringComparison.Ordinal);
    }
}
