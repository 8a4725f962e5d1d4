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
        string[] election = ["--Controller:LeaderElection:Enabled=true", "--Controller:LeaderElection:LeaseNamespace=pipeline-system",
            "--Controller:LeaderElection:LeaseDurationSeconds=2", "--Controller:LeaderElection:RenewDeadlineSeconds=1", "--Controller:LeaderElection:RetryPeriodSeconds=1"];
        await using var f = await StartAsync(election);
        await WaitUntilAsync(() => f.Api.Store.Get("leases", "pipeline-system", "pipeline-controller") is not null, "a lease");
        var second = await f.StartControllerAsync(election);
        await f.CreateAsync(Experiment("led"));
        await WaitUntilAsync(() => f.Job("led", "learner") is not null, "the leader reconciles");
        var holder = f.Api.Store.Get("leases", "pipeline-system", "pipeline-controller")!["spec"]!["holderIdentity"]!.GetValue<string>();
        var gauges = await Task.WhenAll(f.Controllers.Select(LeaderGauge));
        Assert.Equal(new[] { 1, 0 }, gauges);

        // The leader stops; the follower takes the lease and carries on.
        await f.Controllers[0].DisposeAsync();
        f.Controllers.RemoveAt(0);
        await WaitUntilAsync(() => f.Api.Store.Get("leases", "pipeline-system", "pipeline-controller")!["spec"]!["holderIdentity"]!.GetValue<string>() != holder, "a new holder");
        f.Api.Store.Delete("jobs", Ns, "led-reward");
        await WaitUntilAsync(() => f.Job("led", "reward") is not null, "the new leader re-creates a deleted Job");
        Assert.Equal(1, await LeaderGauge(second));
        f.AssertRbacCoversEveryCall();
    }

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
