using k8s;
using System.Text.Json.Nodes;
using Pipeline.Contracts.V1;
using Pipeline.Controller.Tests.FakeApi;
using Pipeline.Controller.Tests.Harness;
using static Pipeline.Controller.Tests.Harness.ControllerFixture;

namespace Pipeline.Controller.Tests;

/// <summary>The whole controller against the fake API server: an experiment's life from kubectl apply to deletion.</summary>
public sealed class ControllerLifecycleTests
{
    private static readonly string[] Services = ["learner", "reward", "rollout", "evaluator"];

    [Fact]
    public async Task Create_Run_Suspend_Resume_Succeed_Delete()
    {
        await using var f = await StartAsync();
        await f.CreateAsync(Experiment("quick"));

        // Created: the spec ConfigMap, the run claim, three Services, one Job per service, all owned by the Experiment.
        await WaitUntilAsync(() => Services.All(s => f.Job("quick", s) is not null), "one Job per service");
        var uid = f.Stored("quick")!["metadata"]!["uid"]!.GetValue<string>();
        var owned = new[] { ("configmaps", "quick-spec"), ("persistentvolumeclaims", "quick-run"), ("services", "quick-learner"), ("services", "quick-evaluator"), ("services", "quick-metrics") }
            .Select(o => f.Api.Store.Get(o.Item1, Ns, o.Item2) ?? throw new Xunit.Sdk.XunitException($"{o.Item1}/{o.Item2} missing"))
            .Concat(Services.Select(s => f.Job("quick", s)!));
        Assert.All(owned, o => Assert.Equal(uid, o["metadata"]!["ownerReferences"]![0]!["uid"]!.GetValue<string>()));
        Assert.Contains("ensure ml/quick at kafka.kafka:9092 partitions=3", f.Topics.Calls);
        var rollout = f.Job("quick", "rollout")!["spec"]!;
        Assert.Equal("Indexed", rollout["completionMode"]!.GetValue<string>());
        Assert.Equal(2, rollout["parallelism"]!.GetValue<int>());
        var spec = f.Api.Store.Get("configmaps", Ns, "quick-spec")!["data"]!["experiment.yaml"]!.GetValue<string>();
        Assert.True(Pipeline.Core.Spec.SpecLoader.Load(spec).IsValid, "the ConfigMap holds a spec the services can load");
        await WaitUntilAsync(() => f.Phase("quick") == "Pending", "phase Pending");

        // Running, with the learner's and evaluator's progress in the status.
        f.Services.State.Learner = new LearnerStatus { Experiment = "quick", Step = 3, TotalSteps = 10, Policy = new PolicyVersion { Version = 3, Step = 3 } };
        f.Services.State.Evaluation = new EvalResult
        {
            Experiment = "quick", Dataset = "arith-test", Step = 0, PolicyVersion = 0, Samples = 8,
            Budgets = { new BudgetMetrics { Budget = 16, MeanAtK = 0.25, MeanLength = 16 }, new BudgetMetrics { Budget = 64, MeanAtK = 0.956, PassAtK = 1, MeanLength = 22.84 } },
        };
        f.Run("quick", "learner");
        f.Run("quick", "evaluator");
        await WaitUntilAsync(() => f.Phase("quick") == "Running" && f.Status("quick")?["learner"]?["step"]?.GetValue<int>() == 3, "Running at step 3");
        var status = f.Status("quick")!;
        Assert.Equal(3, status["learner"]!["policyVersion"]!.GetValue<long>());
        Assert.Equal("95.6%", status["summary"]!["accuracy"]!.GetValue<string>());
        Assert.Equal("22.8", status["summary"]!["meanLength"]!.GetValue<string>());
        Assert.Equal(64, status["summary"]!["budget"]!.GetValue<int>());
        Assert.Equal("True", f.Condition("quick", "Running")!["status"]!.GetValue<string>());

        // Suspend: every Job is suspended; resume: none is.
        await f.PatchSpecAsync("quick", new JsonObject { ["suspend"] = true });
        await WaitUntilAsync(() => Services.All(s => f.Suspended("quick", s)) && f.Phase("quick") == "Suspended", "all Jobs suspended");
        Assert.Equal("Suspended", f.Condition("quick", "Suspended")!["reason"]!.GetValue<string>());
        await f.PatchSpecAsync("quick", new JsonObject { ["suspend"] = false });
        await WaitUntilAsync(() => Services.All(s => !f.Suspended("quick", s)) && f.Phase("quick") == "Running", "resumed");

        // Success: the learner and the evaluator finished; rollout and reward workers are stopped.
        f.Api.Store.CompleteJob(Ns, "quick-learner");
        f.Api.Store.CompleteJob(Ns, "quick-evaluator");
        await WaitUntilAsync(() => f.Phase("quick") == "Succeeded", "Succeeded");
        await WaitUntilAsync(() => f.Suspended("quick", "rollout") && f.Suspended("quick", "reward"), "workers stopped after success");
        Assert.NotNull(f.Status("quick")!["completionTime"]);
        Assert.Equal("Completed", f.Condition("quick", "Succeeded")!["reason"]!.GetValue<string>());

        // Deleting the Experiment deletes everything it owns (the garbage collector follows the owner references).
        // A reconcile that read the Experiment just before may still create an object; the collector removes it too.
        await f.Client.CustomObjects.DeleteNamespacedCustomObjectAsync("pipeline.efficient-reasoning.dev", "v1alpha1", Ns, "experiments", "quick");
        Assert.Empty(f.Api.Store.List("jobs", Ns));
        Assert.Empty(f.Api.Store.List("configmaps", Ns));
        f.AssertRbacCoversEveryCall();
    }

    [Fact]
    public async Task StatusIsWrittenOnlyWhenItChanges()
    {
        await using var f = await StartAsync();
        await f.CreateAsync(Experiment("steady"));
        await WaitUntilAsync(() => f.Phase("steady") == "Pending", "Pending");
        await Task.Delay(2500); // at least two progress polls with nothing new
        var writes = f.Api.Requests.Of("patch", "experiments", "status").Count;
        await Task.Delay(2500);
        Assert.Equal(writes, f.Api.Requests.Of("patch", "experiments", "status").Count);
    }

    [Fact]
    public async Task InvalidSpec_FailsBeforeAnyWork_WithEveryProblemNamed()
    {
        await using var f = await StartAsync();
        // The CRD's schema would reject most of this at kubectl apply; the fake server (like an old CRD) lets it in.
        await f.CreateAsync(Experiment("bad", spec =>
        {
            spec["rollout"]!["groupSize"] = 1;
            spec["optimizer"]!["lossAggregation"] = "token-meen";
        }));
        await WaitUntilAsync(() => f.Phase("bad") == "Failed", "Failed");
        var failed = f.Condition("bad", "Failed")!;
        Assert.Equal("InvalidSpec", failed["reason"]!.GetValue<string>());
        var message = failed["message"]!.GetValue<string>();
        Assert.Contains("spec.rollout.groupSize: must be ≥ 2, got 1", message, StringComparison.Ordinal);
        Assert.Contains("spec.optimizer.lossAggregation", message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'token-mean'", message, StringComparison.Ordinal);
        Assert.Equal(0, f.Api.Requests.Count("create", "jobs"));
        Assert.Empty(f.Topics.Calls);
    }

    [Fact]
    public async Task NameTooLongForItsObjects_IsRejectedBeforeAnyWork()
    {
        await using var f = await StartAsync();
        var name = new string('a', 54);
        await f.CreateAsync(Experiment(name));
        await WaitUntilAsync(() => f.Phase(name) == "Failed", "Failed");
        Assert.Contains($"metadata.name: '{name}' has 54 characters; at most 53", f.Condition(name, "Failed")!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, f.Api.Requests.Count("create", "jobs"));
    }

    [Fact]
    public async Task ConfigurationError_FailsTheExperiment_WithThePodsMessage_AndStopsTheOthers()
    {
        await using var f = await StartAsync();
        await f.CreateAsync(Experiment("oops"));
        await WaitUntilAsync(() => f.Job("oops", "learner") is not null, "Jobs");
        f.StorePod("oops", "learner", "oops-learner-x1", new JsonObject
        {
            ["phase"] = "Failed",
            ["containerStatuses"] = new JsonArray(new JsonObject
            {
                ["name"] = "learner", ["ready"] = false, ["restartCount"] = 0, ["image"] = "x", ["imageID"] = "",
                ["state"] = new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = 2, ["reason"] = "Error", ["message"] = "learner: /opt/pipeline/models/tiny-reasoner: no config.json\n" } },
            }),
        });
        f.Api.Store.FailJob(Ns, "oops-learner", reason: "PodFailurePolicy");
        await WaitUntilAsync(() => f.Phase("oops") == "Failed", "Failed");
        var failed = f.Condition("oops", "Failed")!;
        Assert.Equal("ConfigurationError", failed["reason"]!.GetValue<string>());
        // kubectl describe shows it as a Warning event on the Experiment.
        await WaitUntilAsync(() => f.Api.Store.List("events", Ns).Any(e => e["reason"]?.GetValue<string>() == "ConfigurationError"), "a Warning event");
        var warning = f.Api.Store.List("events", Ns).First(e => e["reason"]?.GetValue<string>() == "ConfigurationError");
        Assert.Equal("Warning", warning["type"]!.GetValue<string>());
        Assert.Equal("oops", warning["involvedObject"]!["name"]!.GetValue<string>());
        Assert.Contains("no config.json", warning["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("learner refused its configuration (exit code 2)", failed["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("no config.json", failed["message"]!.GetValue<string>(), StringComparison.Ordinal);
        await WaitUntilAsync(() => new[] { "reward", "rollout", "evaluator" }.All(s => f.Suspended("oops", s)), "the other Jobs stopped");
        f.AssertRbacCoversEveryCall();
    }

    [Fact]
    public async Task ActiveDeadline_EndsTheRun_WithDeadlineExceeded()
    {
        await using var f = await StartAsync();
        await f.CreateAsync(Experiment("late", spec => spec["activeDeadlineSeconds"] = 2));
        await WaitUntilAsync(() => f.Phase("late") == "Failed", "Failed after the deadline");
        Assert.Equal("DeadlineExceeded", f.Condition("late", "Failed")!["reason"]!.GetValue<string>());
        await WaitUntilAsync(() => Services.All(s => f.Suspended("late", s)), "every Job stopped");
    }

    [Fact]
    public async Task ChangedPodSettings_OfRunningJobs_AreReportedAsDegraded()
    {
        await using var f = await StartAsync();
        await f.CreateAsync(Experiment("moved"));
        await WaitUntilAsync(() => f.Job("moved", "learner") is not null, "Jobs");
        await f.PatchSpecAsync("moved", new JsonObject { ["cluster"] = new JsonObject { ["services"] = new JsonObject { ["learner"] = new JsonObject { ["memory"] = "8Gi" } } } });
        await WaitUntilAsync(() => f.Condition("moved", "Degraded")?["reason"]?.GetValue<string>() == "ClusterSettingsChanged", "Degraded");
        Assert.Contains("Jobs of learner were created", f.Condition("moved", "Degraded")!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiErrors_AreRetried()
    {
        await using var f = await StartAsync();
        f.Api.Faults.FailNext(2, 500, r => r.Verb == "create" && r.Resource == "jobs");
        await f.CreateAsync(Experiment("flaky"));
        await WaitUntilAsync(() => Services.All(s => f.Job("flaky", s) is not null), "every Job despite two failed creates");
    }
}
