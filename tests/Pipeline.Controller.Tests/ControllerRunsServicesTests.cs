using System.Text.Json.Nodes;
using Pipeline.Bus;
using Pipeline.Controller.Tests.Harness;
using static Pipeline.Controller.Tests.Harness.ControllerFixture;

namespace Pipeline.Controller.Tests;

/// <summary>
/// The Jobs the controller writes run the real services: a small experiment goes from kubectl apply to Succeeded with
/// the learner, reward, two rollout workers and the evaluator as processes started from the Jobs' own arguments (see
/// <see cref="LocalKubelet"/> for the few that differ between a pod and this machine), talking over a Kafka-protocol
/// broker, policies streamed over gRPC; the status shows their progress; the run folder gives the report.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ControllerRunsServicesTests
{
    // Real processes on two cores: loading the model and training take minutes at worst, not seconds.
    private static readonly TimeSpan RunPatience = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Experiment_RunsToSucceeded_OnTheRealServices_AndItsRunFolderGivesTheReport()
    {
        using var kafka = new LocalKafkaCluster();
        var root = Directory.CreateTempSubdirectory("pipeline-kubelet-").FullName;
        await using var f = await StartAsync();
        await using var kubelet = new LocalKubelet(f.Api, Ns, kafka.BootstrapServers, root);
        f.ProgressAddress = (_, service) => kubelet.Address(service);
        f.Evaluations = new Pipeline.Services.Controller.Cluster.KafkaEvalTopicReader();
        await f.Controllers[0].DisposeAsync();
        f.Controllers.Clear();
        await f.StartControllerAsync();

        await f.CreateAsync(Experiment("e2e", spec =>
        {
            spec["model"]!["path"] = RepoPaths.InRepo("models/tiny-reasoner");
            spec["cluster"] = new JsonObject { ["kafka"] = new JsonObject { ["bootstrapServers"] = kafka.BootstrapServers } };
            spec["data"]!["eval"]![0]!["size"] = 16;
            spec["rollout"] = new JsonObject { ["groupSize"] = 4, ["maxTokens"] = 32, ["replicas"] = 2 };
            spec["optimizer"] = new JsonObject { ["steps"] = 4, ["promptsPerStep"] = 4, ["learningRate"] = 1e-4, ["checkpointEvery"] = 2 };
            spec["evaluation"] = new JsonObject { ["every"] = 2, ["budgets"] = new JsonArray(16, 32), ["samples"] = 2 };
        }));
        try
        {
            await WaitUntilAsync(() => f.Phase("e2e") == "Running", "Running", RunPatience);
            await WaitUntilAsync(() => f.Phase("e2e") is "Succeeded" or "Failed", "a final phase", RunPatience);
            Assert.True(f.Phase("e2e") == "Succeeded", $"{f.Status("e2e")}\n{kubelet.Logs()}");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\nstatus: {f.Status("e2e")}\n{kubelet.Logs()}", e);
        }

        var status = f.Status("e2e")!;
        Assert.Equal(4, status["learner"]!["step"]!.GetValue<int>());
        Assert.Equal(4, status["learner"]!["totalSteps"]!.GetValue<int>());
        Assert.EndsWith("%", status["summary"]!["accuracy"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(32, status["summary"]!["budget"]!.GetValue<int>());
        // The final evaluation, read from the eval topic after the evaluator exited.
        Assert.Equal(4, status["evaluation"]![0]!["step"]!.GetValue<int>());
        Assert.Equal(4, status["learner"]!["policyVersion"]!.GetValue<long>());
        // The workers are suspended by the reconcile that saw success; the status shows it from the next one on.
        Dictionary<string, string> States() => f.Status("e2e")!["services"]!.AsArray().ToDictionary(s => s!["service"]!.GetValue<string>(), s => s!["state"]!.GetValue<string>());
        await WaitUntilAsync(() => States() is { } s && s["rollout"] == "Suspended" && s["reward"] == "Suspended", "rollout and reward suspended in the status");
        var services = States();
        Assert.Equal("Succeeded", services["learner"]);
        Assert.Equal("Succeeded", services["evaluator"]);
        Assert.Equal("Suspended", services["rollout"]);
        Assert.Equal("Suspended", services["reward"]);
        Assert.Equal(2, kubelet.Started["e2e-rollout"]);

        // The run folder on the "volume" holds what a run writes, and `pipeline report` reads it.
        var run = Path.Combine(root, "data", "runs", "e2e");
        Assert.Equal(4, File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Length);
        Assert.Contains(File.ReadAllLines(Path.Combine(run, "eval.jsonl")), l => l.Contains("\"step\":4", StringComparison.Ordinal));
        var report = Pipeline.Reports.ReportWriter.Write([run]);
        Assert.True(File.Exists(report), report);
        Directory.Delete(root, recursive: true);
    }
}
