using System.Text.Json.Nodes;
using Pipeline.Bus;
using Pipeline.Core.Spec;
using Pipeline.Services.Evaluator;
using Pipeline.Workers.Embedded;

namespace Pipeline.Services.Tests;

/// <summary>
/// <c>Evaluator:ExitWhenDone</c>: the "done" decision (<see cref="EvaluationCompletion"/>) and the evaluator host
/// ending by itself when the run folder already holds the final evaluations (a restarted Job).
/// </summary>
public sealed class EvaluatorExitWhenDoneTests
{
    private static readonly int[] Budgets = [16, 32];

    [Fact]
    public void Done_only_when_every_set_has_every_budget_at_the_final_step()
    {
        var completion = new EvaluationCompletion(10, ["a", "b"], Budgets);
        Assert.False(completion.IsDone);
        foreach (var budget in Budgets) completion.Record(5, "a", budget);   // not the final step
        foreach (var budget in Budgets) completion.Record(5, "b", budget);
        Assert.Equal(["a", "b"], completion.Missing);
        foreach (var budget in Budgets) completion.Record(10, "a", budget);
        completion.Record(10, "b", 16);                                      // one budget short
        Assert.Equal(["b"], completion.Missing);
        completion.Record(10, "b", 32);
        Assert.True(completion.IsDone);
    }

    [Fact]
    public void No_evaluation_sets_is_done_from_the_start()
    {
        Assert.True(new EvaluationCompletion(10, [], Budgets).IsDone);
    }

    [Fact]
    public void Final_step_and_sets_come_from_the_spec()
    {
        var spec = LoadSpec(File.ReadAllText(RepoPaths.InRepo("examples/quickstart.yaml")));
        var completion = EvaluationCompletion.For(spec.Spec);
        Assert.Equal(60, completion.FinalStep);
        Assert.Equal(["arith-test"], completion.Sets);
        Assert.Equal([16, 32, 64, 128, 256], completion.Budgets);
    }

    [Fact]
    public void Run_folder_counts_an_evaluation_only_with_its_per_problem_file()
    {
        var folder = TempFolder();
        try
        {
            var run = new RunDirectory(folder);
            WriteEvaluation(run, 10, "a", Budgets, detailFile: true);
            WriteEvaluation(run, 10, "b", Budgets, detailFile: false);        // cut short by a crash
            var completion = new EvaluationCompletion(10, ["a", "b"], Budgets);
            completion.ReadRunFolder(run);
            Assert.Equal(["b"], completion.Missing);
            WriteEvaluation(run, 10, "b", Budgets, detailFile: true);         // evaluated again after the restart
            completion.ReadRunFolder(run);
            Assert.True(completion.IsDone);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Restarted_evaluator_exits_at_once_when_the_final_evaluations_are_in_the_run_folder()
    {
        using var kafka = new LocalKafkaCluster();
        var folder = TempFolder();
        try
        {
            var spec = Path.Combine(folder, "spec.yaml");
            File.WriteAllText(spec, SpecYaml(RepoPaths.InRepo("models/tiny-reasoner")));
            var run = new RunDirectory(Path.Combine(folder, "run"));

            // Not done (only step 0 evaluated): the service keeps running.
            WriteEvaluation(run, 0, "arith-test", Budgets, detailFile: true);
            await using (var host = await StartAsync(spec, run.Path, kafka))
            {
                var stopped = host.WaitForShutdownAsync();
                Assert.NotSame(stopped, await Task.WhenAny(stopped, Task.Delay(TimeSpan.FromSeconds(2))));
            }

            // The final step's evaluation is there: the worker loop returns and the host stops by itself, exit code 0.
            WriteEvaluation(run, 2, "arith-test", Budgets, detailFile: true);
            Environment.ExitCode = 0;
            await using (var host = await StartAsync(spec, run.Path, kafka))
            {
                var stopped = host.WaitForShutdownAsync();
                Assert.Same(stopped, await Task.WhenAny(stopped, Task.Delay(TimeSpan.FromSeconds(20))));
                Assert.Equal(0, Environment.ExitCode);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Task<Hosting.RunningServiceHost> StartAsync(string spec, string runDir, LocalKafkaCluster kafka) =>
        EvaluatorHost.StartAsync(["--spec", spec, "--run-dir", runDir, $"--Kafka:BootstrapServers={kafka.BootstrapServers}",
            "--Kafka:Namespace=exit-test", "--Kafka:Provisioning=AutoCreate", "--Service:GrpcPort=0", "--Service:MetricsPort=0",
            "--Evaluator:ExitWhenDone=true", "--Evaluator:Threads=1"]);

    private static string SpecYaml(string model) => $$"""
        apiVersion: pipeline.efficient-reasoning.dev/v1alpha1
        kind: Experiment
        metadata: { name: exit-test }
        spec:
          model: { path: "{{model}}", dtype: float32 }
          data:
            train: { source: "synthetic:arith", difficulty: easy }
            eval: [ { name: arith-test, source: "synthetic:arith?split=test", size: 4 } ]
          rollout: { groupSize: 2, maxTokens: 16 }
          reward: { verifier: math, shaping: { type: truncation, targetTokens: 16 } }
          optimizer: { algorithm: grpo, learningRate: 1.0e-4, promptsPerStep: 2, steps: 2 }
          evaluation: { every: 0, budgets: [16, 32], samples: 1 }
        """;

    private static ExperimentDocument LoadSpec(string yaml)
    {
        var result = SpecLoader.Load(yaml);
        Assert.Empty(result.Errors);
        return result.Document!;
    }

    // The lines and file RunDirectory.AppendEvaluation writes, with made-up numbers.
    private static void WriteEvaluation(RunDirectory run, int step, string dataset, int[] budgets, bool detailFile)
    {
        foreach (var budget in budgets)
        {
            var line = new JsonObject { ["step"] = step, ["policy_version"] = step, ["dataset"] = dataset, ["budget"] = budget, ["mean_at_k"] = 0.5 };
            File.AppendAllText(run.EvalPath, line.ToJsonString() + "\n");
        }
        if (!detailFile) return;
        Directory.CreateDirectory(Path.Combine(run.Path, "eval"));
        File.WriteAllText(Path.Combine(run.Path, "eval", $"step-{step}-{dataset}.json"), "{}");
    }

    private static string TempFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"pipeline-exit-when-done-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
