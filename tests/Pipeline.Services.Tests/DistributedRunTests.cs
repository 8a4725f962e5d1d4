using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Bus;
using Pipeline.Services.Tests.Checks;
using Pipeline.Tests;

namespace Pipeline.Services.Tests;

/// <summary>
/// <c>pipeline run --distributed --stream-policies</c> end to end: the broker and the four services as separate
/// processes on loopback, weights streamed from the learner's GetPolicy.
/// While the run trains, the test checks every service's exposition with promtool and lists it through reflection,
/// sends a malformed rollout group (it must be dead-lettered and counted), and SIGKILLs the reward service, then the
/// rollout worker, then the learner (which restarts from its last checkpoint and the committed offsets). The run must
/// still finish, and groups.jsonl must show every step trained on exactly its groups, none lost and none twice.
/// </summary>
[Trait("Category", "Slow")]
public sealed class DistributedRunTests
{
    private const int Steps = 10;
    private const int PromptsPerStep = 8;

    private static string Spec(string name) => $$"""
        apiVersion: pipeline.efficient-reasoning.dev/v1alpha1
        kind: Experiment
        metadata: { name: {{name}} }
        spec:
          model: { path: {{RepoPaths.InRepo("models/tiny-reasoner")}} }
          data:
            train: { source: "synthetic:arith", difficulty: easy }
            filter: { passRate: { samples: 4, above: 0.5, maxTokens: 128 } }
            eval: [ { name: arith-test, source: "synthetic:arith?split=test", size: 16 } ]
          rollout: { groupSize: 4, maxTokens: 40, temperature: 1.0 }
          reward: { verifier: math, shaping: { type: truncation, targetTokens: 40 } }
          optimizer: { learningRate: 2.0e-4, promptsPerStep: {{PromptsPerStep}}, steps: {{Steps}}, checkpointEvery: 2 }
          evaluation: { every: 5, budgets: [32, 128], samples: 2 }
          seed: 0
        """;

    [Fact]
    public async Task Run_SurvivesKilledServices_LearnerResumesFromCheckpoint_LosesNoGroup_TrainsNoneTwice_AndDeadLettersGarbage()
    {
        var folder = Directory.CreateTempSubdirectory("pipeline-distributed-");
        var specPath = Path.Combine(folder.FullName, "spec.yaml");
        await File.WriteAllTextAsync(specPath, Spec("dist-test"));
        var runPath = Path.Combine(folder.FullName, "run");
        using var launcher = StartLauncher(specPath, runPath, out var output);
        try
        {
            var endpoints = await WaitForAsync(() => ReadEndpoints(runPath), TimeSpan.FromMinutes(3), launcher, output);

            // Every service: a clean Prometheus exposition, and its gRPC service visible through reflection alone.
            foreach (var (name, prefix, grpcService) in new[]
            {
                ("learner", "pipeline_learner_", "pipeline.v1.Learner"), ("reward", "pipeline_reward_", "pipeline.v1.Reward"),
                ("rollout-0", "pipeline_rollout_", "pipeline.v1.Rollout"), ("evaluator", "pipeline_evaluator_", "pipeline.v1.Evaluator"),
            })
            {
                var service = Service(endpoints, name);
                await MetricsScrape.AssertValidAsync(new Uri(service["metrics"]!.GetValue<string>()), prefix);
                var client = new GrpcReflectionClient(service["grpc"]!.GetValue<string>());
                var listed = await client.ListAsync();
                Assert.Contains(listed, s => s.Name == grpcService);
                Assert.Equal("SERVING", (await client.CallAsync("grpc.health.v1.Health/Check", "{}")).GetProperty("status").GetString());
            }

            // And each stage answers a call made through reflection alone (the reward's Score is called in RewardExternalChecksTests).
            var status = await new GrpcReflectionClient(Service(endpoints, "learner")["grpc"]!.GetValue<string>())
                .CallAsync("pipeline.v1.Learner/GetStatus", """{"experiment": "dist-test"}""");
            Assert.Equal("dist-test", status.GetProperty("experiment").GetString());
            Assert.Equal(Steps, status.GetProperty("totalSteps").GetInt32());
            // Generate answers once the worker holds a policy (before that it says UNAVAILABLE).
            var rolloutMetrics = new Uri(Service(endpoints, "rollout-0")["metrics"]!.GetValue<string>());
            await WaitForAsync(async () => (await ScrapeAsync(rolloutMetrics)) is var text && text.Contains("pipeline_rollout_policy_version ", StringComparison.Ordinal)
                && !text.Contains("pipeline_rollout_policy_version -1", StringComparison.Ordinal) ? "" : null, TimeSpan.FromMinutes(2), launcher, output);
            var generated = await new GrpcReflectionClient(Service(endpoints, "rollout-0")["grpc"]!.GetValue<string>())
                .CallAsync("pipeline.v1.Rollout/Generate", """{"promptTokenIds": [1, 2, 3], "groupSize": 2, "sampling": {"maxTokens": 4, "temperature": 1, "topP": 1, "seed": "7"}}""");
            Assert.Equal(2, generated.GetProperty("completions").GetArrayLength());
            var results = await new GrpcReflectionClient(Service(endpoints, "evaluator")["grpc"]!.GetValue<string>())
                .CallAsync("pipeline.v1.Evaluator/GetResults", """{"dataset": "arith-test"}""");
            Assert.Equal(System.Text.Json.JsonValueKind.Array, results.GetProperty("results").ValueKind);

            // A payload that is not a RolloutGroup: dead-lettered with the reason and counted, and the run goes on.
            using (var bus = await KafkaBus.ConnectAsync(
                new KafkaBusOptions { BootstrapServers = endpoints["kafka"]!.GetValue<string>(), Namespace = "local", Experiment = "dist-test", Service = "test" },
                new AutoCreateTopicProvisioner(endpoints["kafka"]!.GetValue<string>())))
            {
                await bus.PublishRawAsync(Topics.Rollouts.Name, "garbage", [0xff, 0xff, 0xff, 0x01]);
            }
            var reward = new Uri(Service(endpoints, "reward")["metrics"]!.GetValue<string>());
            await WaitForAsync(async () => (await ScrapeAsync(reward)).Contains("pipeline_reward_dead_letters_total 1", StringComparison.Ordinal) ? "" : null,
                TimeSpan.FromMinutes(2), launcher, output);

            await WaitForAsync(() => Task.FromResult(StepsDone(runPath) >= 2 ? "" : null), TimeSpan.FromMinutes(4), launcher, output);
            Process.GetProcessById(Service(endpoints, "reward")["pid"]!.GetValue<int>()).Kill();
            await WaitForAsync(() => Task.FromResult(StepsDone(runPath) >= 5 ? "" : null), TimeSpan.FromMinutes(4), launcher, output);
            Process.GetProcessById(Service(endpoints, "rollout-0")["pid"]!.GetValue<int>()).Kill();
            // After step 7 the newest checkpoint is step 6: the restarted learner must train step 7 again from there.
            await WaitForAsync(() => Task.FromResult(StepsDone(runPath) >= 7 ? "" : null), TimeSpan.FromMinutes(4), launcher, output);
            Process.GetProcessById(Service(endpoints, "learner")["pid"]!.GetValue<int>()).Kill();

            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
            await launcher.WaitForExitAsync(timeout.Token);
            Assert.True(launcher.ExitCode == 0, $"launcher exited {launcher.ExitCode}:{Environment.NewLine}{output}");

            var final = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(runPath, "endpoints.json")))!;
            Assert.True(Service(final, "reward")["restarts"]!.GetValue<int>() >= 1, final.ToJsonString());
            Assert.True(Service(final, "rollout-0")["restarts"]!.GetValue<int>() >= 1, final.ToJsonString());
            Assert.True(Service(final, "learner")["restarts"]!.GetValue<int>() >= 1, final.ToJsonString());
            var learnerLog = await File.ReadAllTextAsync(Path.Combine(runPath, "logs", "learner.log"));
            Assert.Contains("restored the checkpoint of step", learnerLog, StringComparison.Ordinal);
            // The restarted learner rewrote the lines after its checkpoint: one metrics line per step, in order.
            var metricSteps = (await File.ReadAllLinesAsync(Path.Combine(runPath, "metrics.jsonl"))).Select(l => JsonNode.Parse(l)!["step"]!.GetValue<int>());
            Assert.Equal(Enumerable.Range(1, Steps), metricSteps);

            // The counters: one line per step, each with promptsPerStep groups, every group id once in the whole run.
            var lines = (await File.ReadAllLinesAsync(Path.Combine(runPath, "groups.jsonl"))).Select(l => JsonNode.Parse(l)!).ToList();
            Assert.Equal(Enumerable.Range(1, Steps), lines.Select(l => l["step"]!.GetValue<int>()));
            var ids = lines.SelectMany(l => l["groups"]!.AsArray().Select(g => g!.GetValue<string>())).ToList();
            Assert.Equal(Steps * PromptsPerStep, ids.Count);
            Assert.Equal(ids.Count, ids.Distinct().Count());
            // On-policy: each step's groups were sampled by the policy it trained.
            Assert.All(lines, l => Assert.All(l["versions"]!.AsArray(), v => Assert.Equal(l["step"]!.GetValue<int>() - 1, v!.GetValue<int>())));

            // Weights reached rollout and evaluator through Learner.GetPolicy (streamed, checksummed, cached).
            foreach (var consumer in new[] { "rollout-0", "evaluator" })
                Assert.NotEmpty(Directory.GetDirectories(Path.Combine(runPath, "policy-cache", consumer), "v*"));

            // The same run files as `make run`, with the final evaluation and the report.
            foreach (var file in new[] { "metrics.jsonl", "eval.jsonl", "prompts.json", "report.html", "eval/step-10-arith-test.json", "checkpoints/step-10/learner_state.json" })
                Assert.True(File.Exists(Path.Combine(runPath, file)), $"{file} missing; launcher output:{Environment.NewLine}{output}");
        }
        finally
        {
            if (!launcher.HasExited) launcher.Kill(entireProcessTree: true);
        }
    }

    private static Process StartLauncher(string specPath, string runPath, out System.Text.StringBuilder output)
    {
        var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        var cli = RepoPaths.InRepo($"cli/bin/{configuration}/net10.0/linux-x64/pipeline.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root };
        foreach (var argument in new[] { cli, "run", specPath, "--distributed", "--out", runPath, "--restarts", "3", "--stream-policies" }) start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = log;
        return process;
    }

    private static Task<JsonNode?> ReadEndpoints(string runPath)
    {
        var path = Path.Combine(runPath, "endpoints.json");
        return Task.FromResult(File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) : null);
    }

    private static JsonNode Service(JsonNode endpoints, string name) =>
        endpoints["services"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == name)!;

    private static int StepsDone(string runPath)
    {
        var path = Path.Combine(runPath, "metrics.jsonl");
        if (!File.Exists(path)) return 0;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Count(c => c == '\n');
    }

    private static async Task<string> ScrapeAsync(Uri url)
    {
        using var http = new HttpClient();
        try
        {
            return await http.GetStringAsync(url);
        }
        catch (HttpRequestException)
        {
            return "";
        }
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan limit, Process launcher, System.Text.StringBuilder output) where T : class
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if (await probe() is { } value) return value;
            if (launcher.HasExited) Assert.Fail($"the launcher exited with {launcher.ExitCode} early:{Environment.NewLine}{output}");
            if (DateTime.UtcNow > deadline) Assert.Fail($"waited {limit} in vain; launcher output so far:{Environment.NewLine}{output}");
            await Task.Delay(250);
        }
    }
}
