using System.Text.Json.Nodes;
using Pipeline.Controller.Tests.Harness;
using static Pipeline.Controller.Tests.Harness.ControllerFixture;

namespace Pipeline.Controller.Tests;

/// <summary>Pods that never start fail no Job, so without these the experiment would wait in Pending saying nothing:
/// the controller names the cause in Degraded and clears it once the pods run.</summary>
public sealed class ControllerStuckPodsTests
{
    [Fact]
    public async Task ImageThatCannotBePulled_IsDegradedImagePullFailed_ThenClearsWhenThePodRuns()
    {
        await using var f = await StartAsync();
        await StartedButNotReadyAsync(f, "pull", "learner");
        f.StorePod("pull", "learner", "pull-learner-abc12", Waiting("ImagePullBackOff",
            "Back-off pulling image \"ghcr.io/efficient-reasoning/pipeline-learner:0.1.0\"\nmore"));

        await WaitUntilAsync(() => Reason(f, "pull") == "ImagePullFailed", "Degraded ImagePullFailed");
        Assert.Equal("learner: pod pull-learner-abc12: ImagePullBackOff: Back-off pulling image \"ghcr.io/efficient-reasoning/pipeline-learner:0.1.0\"",
            f.Condition("pull", "Degraded")!["message"]!.GetValue<string>());
        Assert.Equal("Pending", f.Phase("pull"));

        // The image is fixed and the pod runs: the condition clears.
        f.Api.Store.Modify("pods", Ns, "pull-learner-abc12", pod => pod["status"] = new JsonObject { ["phase"] = "Running" });
        f.Run("pull", "learner");
        await WaitUntilAsync(() => f.Condition("pull", "Degraded")?["status"]?.GetValue<string>() == "False" && f.Phase("pull") == "Running", "cleared");
    }

    [Fact]
    public async Task PodNoNodeCanTake_IsDegradedPodsUnschedulable_WithTheSchedulersMessage()
    {
        await using var f = await StartAsync();
        await StartedButNotReadyAsync(f, "gpu", "rollout");
        f.StorePod("gpu", "rollout", "gpu-rollout-0-x", new JsonObject
        {
            ["phase"] = "Pending",
            ["conditions"] = new JsonArray(new JsonObject
            {
                ["type"] = "PodScheduled", ["status"] = "False", ["reason"] = "Unschedulable",
                ["message"] = "0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available.",
            }),
        });
        await WaitUntilAsync(() => Reason(f, "gpu") == "PodsUnschedulable", "Degraded PodsUnschedulable");
        Assert.Contains("rollout: pod gpu-rollout-0-x: Unschedulable: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu.",
            f.Condition("gpu", "Degraded")!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingSecretForAContainer_IsDegradedPodConfigError_AndOutranksScheduling()
    {
        await using var f = await StartAsync();
        await StartedButNotReadyAsync(f, "cfg", "reward");
        f.StorePod("cfg", "reward", "cfg-reward-q", Waiting("CreateContainerConfigError", "secret \"kafka-credentials\" not found"));
        f.StorePod("cfg", "reward", "cfg-reward-r", new JsonObject
        {
            ["phase"] = "Pending",
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "PodScheduled", ["status"] = "False", ["reason"] = "Unschedulable", ["message"] = "0/1 nodes" }),
        });
        await WaitUntilAsync(() => Reason(f, "cfg") == "PodConfigError", "Degraded PodConfigError");
        Assert.Equal("reward: pod cfg-reward-q: CreateContainerConfigError: secret \"kafka-credentials\" not found",
            f.Condition("cfg", "Degraded")!["message"]!.GetValue<string>());
        f.AssertRbacCoversEveryCall();
    }

    [Fact]
    public async Task ReadyJobs_AreNotInspected_SoSteadyPollsListNoPods()
    {
        await using var f = await StartAsync();
        await f.CreateAsync(Experiment("calm"));
        string[] services = ["learner", "reward", "rollout", "evaluator"];
        await WaitUntilAsync(() => services.All(s => f.Job("calm", s) is not null), "Jobs");
        foreach (var service in services) f.Run("calm", service);
        await WaitUntilAsync(() => f.Phase("calm") == "Running", "Running");
        var before = f.Api.Requests.Count("list", "pods");
        await Task.Delay(2500); // two progress polls
        Assert.Equal(before, f.Api.Requests.Count("list", "pods"));
    }

    /// <summary>The service's Job has a pod (active) that is not ready, as the Job controller reports it.</summary>
    private static async Task StartedButNotReadyAsync(ControllerFixture f, string name, string service)
    {
        await f.CreateAsync(Experiment(name));
        await WaitUntilAsync(() => f.Job(name, service) is not null, "Jobs");
        f.Api.Store.Modify("jobs", Ns, $"{name}-{service}", job => job["status"] = new JsonObject { ["active"] = 1, ["ready"] = 0 });
    }

    private static JsonObject Waiting(string reason, string message) => new()
    {
        ["phase"] = "Pending",
        ["containerStatuses"] = new JsonArray(new JsonObject
        {
            ["name"] = "main", ["ready"] = false, ["restartCount"] = 0, ["image"] = "ghcr.io/efficient-reasoning/pipeline-learner:0.1.0", ["imageID"] = "",
            ["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = reason, ["message"] = message } },
        }),
    };

    private static string? Reason(ControllerFixture f, string name) => f.Condition(name, "Degraded")?["reason"]?.GetValue<string>();
}
