using System.Globalization;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using Pipeline.Contracts.V1;
using Pipeline.Core.Scoring;
using Pipeline.Core.Spec;
using Pipeline.Hosting;
using Pipeline.Services.Reward;

namespace Pipeline.Services.Tests;

/// <summary>The reward service in-process over real loopback sockets (ports picked by the system).</summary>
public sealed class RewardServiceTests
{
    private static readonly string QuickstartPath = RepoPaths.InRepo("examples/quickstart.yaml");

    private static Task<RunningServiceHost> StartAsync(string specPath) =>
        RewardHost.StartAsync(["--spec", specPath, "--Service:GrpcPort=0", "--Service:MetricsPort=0"]);

    /// <summary>Truncation reward (quickstart: L_T = 40): correct and short, correct but cut, wrong.</summary>
    private static RolloutGroup Group()
    {
        var group = new RolloutGroup
        {
            Request = new RolloutRequest { GroupId = "g1", GoldAnswer = "12", GroupSize = 3, Step = 1 },
            PolicyVersion = 3,
        };
        foreach (var (text, length, finished) in new[] { ("\\boxed{12}", 30, true), ("\\boxed{12}", 40, false), ("\\boxed{13}", 20, true) })
        {
            var c = new Completion { Text = text, FinishReason = finished ? FinishReason.Stop : FinishReason.Length };
            c.TokenIds.AddRange(Enumerable.Repeat(5, length));
            c.Logprobs.AddRange(Enumerable.Repeat(-0.5f, length));
            group.Completions.Add(c);
        }
        return group;
    }

    private static GrpcChannel Channel(RunningServiceHost host) =>
        GrpcChannel.ForAddress(FormattableString.Invariant($"http://127.0.0.1:{host.GrpcPort}"));

    [Fact]
    public async Task Score_OverH2c_MatchesGroupScorerDirectly()
    {
        await using var host = await StartAsync(QuickstartPath);
        using var channel = Channel(host);
        var client = new Contracts.V1.Reward.RewardClient(channel);

        var scored = await client.ScoreAsync(Group());

        Assert.Equal([true, true, false], scored.Scores.Select(s => s.Correct));
        Assert.Equal([1.0, 0, 0], scored.Scores.Select(s => s.Reward));
        Assert.Equal("g1", scored.Group.Request.GroupId);
        // Parity: the same responses through GroupScorer give the same rewards and advantages.
        var spec = SpecLoader.LoadFile(QuickstartPath).GetValidOrThrow("quickstart").Spec;
        var direct = new GroupScorer(spec).Score("12", [new("\\boxed{12}", 30, true), new("\\boxed{12}", 40, false), new("\\boxed{13}", 20, true)], 1);
        Assert.Equal(direct.Rewards, scored.Scores.Select(s => s.Reward));
        Assert.Equal(direct.Advantages, scored.Scores.Select(s => s.Advantage));
        Assert.Equal(direct.LossMask, scored.Scores.Select(s => s.Trains));
        Assert.True(scored.Scores[0].Advantage > 0 && scored.Scores[1].Advantage < 0);
    }

    [Fact]
    public async Task Score_InconsistentGroup_IsInvalidArgument()
    {
        await using var host = await StartAsync(QuickstartPath);
        using var channel = Channel(host);
        var group = Group();
        group.Completions[0].Logprobs.RemoveAt(0);

        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(
            async () => await new Contracts.V1.Reward.RewardClient(channel).ScoreAsync(group));

        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("logprobs", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_AnswersServing()
    {
        await using var host = await StartAsync(QuickstartPath);
        using var channel = Channel(host);

        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task Reflection_ListsTheRewardService()
    {
        await using var host = await StartAsync(QuickstartPath);
        using var channel = Channel(host);
        using var call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("pipeline.v1.Reward", names);
        Assert.Contains("grpc.health.v1.Health", names);
    }

    [Fact]
    public async Task Metrics_CountTheScoredGroup_InValidExposition()
    {
        await using var host = await StartAsync(QuickstartPath);
        using var channel = Channel(host);
        await new Contracts.V1.Reward.RewardClient(channel).ScoreAsync(Group());

        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{host.MetricsPort}/metrics")));
        var samples = PrometheusText.Parse(text);

        Assert.Equal(1, samples["pipeline_reward_groups_scored_total"]);
        Assert.Equal(2, samples["pipeline_reward_responses_total{correct=\"true\"}"]);
        Assert.Equal(1, samples["pipeline_reward_responses_total{correct=\"false\"}"]);
        Assert.Equal(3, samples["pipeline_reward_shaped_reward_count"]);
        Assert.Equal(1, samples["pipeline_reward_shaped_reward_sum"]);
        Assert.Equal(1, samples["pipeline_reward_score_seconds_count"]);
        Assert.Contains("# TYPE pipeline_reward_shaped_reward histogram", text, StringComparison.Ordinal);
        // Only the service's own metrics: no default .NET collectors.
        Assert.All(samples.Keys, name => Assert.StartsWith("pipeline_reward_", name, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_BeforeAnyCall_ShowTheSeriesAtZero()
    {
        await using var host = await StartAsync(QuickstartPath);
        using var http = new HttpClient();

        var samples = PrometheusText.Parse(await http.GetStringAsync(
            new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{host.MetricsPort}/metrics"))));

        Assert.Equal(0, samples["pipeline_reward_groups_scored_total"]);
        Assert.Equal(0, samples["pipeline_reward_responses_total{correct=\"true\"}"]);
        Assert.Equal(0, samples["pipeline_reward_responses_total{correct=\"false\"}"]);
    }

    [Fact]
    public async Task InvalidSpec_FailsToStart_NamingTheField()
    {
        var path = Path.Combine(Path.GetTempPath(), $"reward-invalid-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(QuickstartPath)).Replace("groupSize: 8", "groupSize: 0", StringComparison.Ordinal));
        try
        {
            var error = await Assert.ThrowsAsync<StartupException>(() => StartAsync(path));
            Assert.Contains("groupSize", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task InvalidPort_FailsToStart_NamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<ServiceHostOptionsException>(
            () => RewardHost.StartAsync(["--spec", QuickstartPath, "--Service:GrpcPort=70000", "--Service:MetricsPort=0"]));
        Assert.Contains("Service:GrpcPort", error.Message, StringComparison.Ordinal);
    }
}
