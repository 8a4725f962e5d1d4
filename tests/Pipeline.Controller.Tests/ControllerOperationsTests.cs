using System.Net.Http;
using Pipeline.Controller.Tests.Harness;
using static Pipeline.Controller.Tests.Harness.ControllerFixture;

namespace Pipeline.Controller.Tests;

/// <summary>What an operator runs the controller with: leader election across replicas, its metrics, its probes.</summary>
public sealed class ControllerOperationsTests
{
    [Fact]
    public async Task TwoReplicas_OneLeads_TheOtherTakesOverWhenItStops()
    {
        // Timings loose enough that a loaded CI machine does not miss a renewal (which would hand the lease over early).
        static string[] Election(string identity) => ["--Controller:LeaderElection:Enabled=true", "--Controller:LeaderElection:LeaseNamespace=pipeline-system",
            $"--Controller:LeaderElection:Identity={identity}", "--Controller:LeaderElection:LeaseDurationSeconds=4",
            "--Controller:LeaderElection:RenewDeadlineSeconds=3", "--Controller:LeaderElection:RetryPeriodSeconds=1"];
        await using var f = await StartAsync(Election("first"));
        await WaitUntilAsync(() => Holder(f) is not null, "a lease");
        await f.StartControllerAsync(Election("second"));
        await f.CreateAsync(Experiment("led"));
        await WaitUntilAsync(() => f.Job("led", "learner") is not null, "the leader reconciles");

        // Exactly one replica reports itself leader, and it is the lease's holder.
        string[] names = ["first", "second"];
        var holder = await WaitForAsync(async () =>
        {
            var gauges = await Task.WhenAll(f.Controllers.Select(LeaderGauge));
            var leader = Holder(f);
            return gauges.Sum() == 1 && leader == names[Array.IndexOf(gauges, 1)] ? leader : null;
        }, "one leader, the lease's holder");

        // The leader stops; the follower takes the lease and carries on.
        var leaderIndex = Array.IndexOf(names, holder);
        var follower = f.Controllers[1 - leaderIndex];
        await f.Controllers[leaderIndex].DisposeAsync();
        f.Controllers.RemoveAt(leaderIndex);
        await WaitUntilAsync(() => Holder(f) == names[1 - leaderIndex], "the follower holds the lease");
        f.Api.Store.Delete("jobs", Ns, "led-reward");
        await WaitUntilAsync(() => f.Job("led", "reward") is not null, "the new leader re-creates a deleted Job");
        Assert.Equal(1, await LeaderGauge(follower));
        f.AssertRbacCoversEveryCall();
    }

    private static string? Holder(ControllerFixture f) =>
        f.Api.Store.Get("leases", "pipeline-system", "pipeline-controller")?["spec"]?["holderIdentity"]?.GetValue<string>();

    [Fact]
    public async Task Metrics_CountReconciles_AndExperimentsByPhase_AndProbesAnswer()
    {
        await using var f = await StartAsync();
        await f.CreateAsync(Experiment("counted"));
        await WaitUntilAsync(() => f.Phase("counted") == "Pending", "Pending");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{f.Controllers[0].MetricsPort}") };
        var text = await http.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        Assert.Matches(@"pipeline_controller_reconciles_total\{result=""success""\} [1-9]", text);
        Assert.Contains("pipeline_controller_experiments{phase=\"Pending\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("pipeline_controller_reconcile_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("pipeline_controller_leader 1", text, StringComparison.Ordinal);
        Assert.Equal("ok", await http.GetStringAsync(new Uri("/healthz", UriKind.Relative)));
        Assert.Equal("ok", await http.GetStringAsync(new Uri("/readyz", UriKind.Relative)));
    }

    private static async Task<int> LeaderGauge(Pipeline.Hosting.RunningServiceHost host)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{host.MetricsPort}/metrics"));
        var line = text.Split('\n').Single(l => l.StartsWith("pipeline_controller_leader ", StringComparison.Ordinal));
        return (int)double.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
