using System.Globalization;
using System.Text.Json;
using Pipeline.Hosting;
using Pipeline.Services.Reward;
using Pipeline.Services.Tests.Checks;

namespace Pipeline.Services.Tests;

/// <summary>
/// The reward service as outside tools see it: its scrape passes <c>promtool check metrics</c>, and a Node client
/// that was never given the .proto files lists and calls it through reflection (tools installed by make test-deps).
/// </summary>
public sealed class RewardExternalChecksTests
{
    private const string MetricPrefix = "pipeline_reward_";

    /// <summary>Quickstart (truncation reward): right and finished, wrong, no answer at all.</summary>
    private const string GroupJson = """
        {
          "request": { "groupId": "ext-1", "goldAnswer": "12", "groupSize": 3, "step": 1 },
          "policyVersion": "3",
          "completions": [
            { "text": "\\boxed{12}", "tokenIds": [5, 6, 7], "logprobs": [-0.5, -0.25, -0.125], "finishReason": "FINISH_REASON_STOP" },
            { "text": "\\boxed{13}", "tokenIds": [5, 6], "logprobs": [-0.5, -0.5], "finishReason": "FINISH_REASON_STOP" },
            { "text": "I am not sure", "tokenIds": [8, 9, 10, 11], "logprobs": [-1, -1, -1, -1], "finishReason": "FINISH_REASON_STOP" }
          ]
        }
        """;

    private static Task<RunningServiceHost> StartAsync() =>
        RewardHost.StartAsync(["--spec", RepoPaths.InRepo("examples/quickstart.yaml"), "--Service:GrpcPort=0", "--Service:MetricsPort=0"]);

    private static Uri MetricsUrl(RunningServiceHost host) =>
        new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{host.MetricsPort}/metrics"));

    [Fact]
    public async Task Metrics_AfterScoringAGroup_PassPromtoolAndNamingConventions()
    {
        await using var host = await StartAsync();
        // Scored through the external client, so the histograms and counters hold samples when scraped.
        await GrpcReflectionClient.ForPort(host.GrpcPort).CallAsync("pipeline.v1.Reward/Score", GroupJson);

        var text = await MetricsScrape.AssertValidAsync(MetricsUrl(host), MetricPrefix);

        var samples = PrometheusText.Parse(text);
        Assert.Equal(1, samples["pipeline_reward_groups_scored_total"]);
        Assert.Equal(3, samples["pipeline_reward_shaped_reward_count"]);
        // The zero bucket is labelled le="0", not le="-0", so queries selecting it match.
        Assert.Equal(2, samples["pipeline_reward_shaped_reward_bucket{le=\"0\"}"]);
    }

    [Fact]
    public async Task Metrics_BeforeAnyCall_PassPromtool()
    {
        await using var host = await StartAsync();

        await MetricsScrape.AssertValidAsync(MetricsUrl(host), MetricPrefix);
    }

    [Fact]
    public async Task Promtool_RejectsNamesAgainstTheConventions()
    {
        const string exposition = """
            # HELP pipeline_reward_latency_milliseconds Time in the wrong unit, a counter without _total.
            # TYPE pipeline_reward_latency_milliseconds counter
            pipeline_reward_latency_milliseconds 1

            """;

        var result = await Promtool.CheckMetricsAsync(exposition);
        var error = await Assert.ThrowsAsync<Xunit.Sdk.XunitException>(() => Promtool.AssertCleanAsync(exposition));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("counter metrics should have \"_total\" suffix", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Contains("use base unit \"seconds\" instead of \"milliseconds\"", result.Stdout + result.Stderr, StringComparison.Ordinal);
        // The failure shows promtool's complaints and the exposition it read.
        Assert.Contains("\"_total\" suffix", error.Message, StringComparison.Ordinal);
        Assert.Contains("pipeline_reward_latency_milliseconds 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Naming_RejectsAForeignPrefixAndTotalOnAGauge()
    {
        const string exposition = """
            # HELP pipeline_learner_steps Steps.
            # TYPE pipeline_learner_steps gauge
            pipeline_learner_steps 1
            # HELP pipeline_reward_pending_total Pending groups.
            # TYPE pipeline_reward_pending_total gauge
            pipeline_reward_pending_total 1

            """;

        var error = Assert.ThrowsAny<Exception>(() => MetricsScrape.AssertNaming(exposition, MetricPrefix));

        Assert.Contains("pipeline_learner_steps: does not start with pipeline_reward_", error.Message, StringComparison.Ordinal);
        Assert.Contains("pipeline_reward_pending_total: a gauge named _total", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExternalClient_ListsEveryServiceThroughReflection()
    {
        await using var host = await StartAsync();

        var services = await GrpcReflectionClient.ForPort(host.GrpcPort).ListAsync();

        var names = services.Select(s => s.Name).ToList();
        Assert.Contains("pipeline.v1.Reward", names);
        Assert.Contains("grpc.health.v1.Health", names);
        Assert.Contains("grpc.reflection.v1.ServerReflection", names);
        // Listing resolves each service's descriptors through reflection, so every one has its methods.
        Assert.All(services, s => Assert.NotEmpty(s.Methods));
        var score = Assert.Single(services.Single(s => s.Name == "pipeline.v1.Reward").Methods);
        Assert.Equal(new ReflectedMethod("Score", "pipeline.v1.RolloutGroup", "pipeline.v1.ScoredGroup", false, false), score);
    }

    [Fact]
    public async Task ExternalClient_ScoresAGroup_ThroughReflectionOnly()
    {
        await using var host = await StartAsync();

        var scored = await GrpcReflectionClient.ForPort(host.GrpcPort).CallAsync("pipeline.v1.Reward/Score", GroupJson);

        var scores = scored.GetProperty("scores").EnumerateArray().ToList();
        Assert.Equal([true, false, false], scores.Select(s => s.GetProperty("correct").GetBoolean()));
        Assert.Equal([1.0, 0, 0], scores.Select(s => s.GetProperty("reward").GetDouble()));
        Assert.Equal("12", scores[0].GetProperty("extracted").GetString());
        Assert.Equal("ext-1", scored.GetProperty("group").GetProperty("request").GetProperty("groupId").GetString());
        // int64 travels as a JSON string in the proto3 mapping.
        Assert.Equal("3", scored.GetProperty("group").GetProperty("policyVersion").GetString());
        Assert.Equal(JsonValueKind.Number, scored.GetProperty("scoringSeconds").ValueKind);
    }

    [Fact]
    public async Task ExternalClient_InconsistentGroup_GetsInvalidArgument()
    {
        await using var host = await StartAsync();
        var group = GroupJson.Replace("\"logprobs\": [-0.5, -0.5]", "\"logprobs\": [-0.5]", StringComparison.Ordinal);

        var error = await GrpcReflectionClient.ForPort(host.GrpcPort).CallExpectingErrorAsync("pipeline.v1.Reward/Score", group);

        Assert.Equal((int)Grpc.Core.StatusCode.InvalidArgument, error.Code);
        Assert.Equal("INVALID_ARGUMENT", error.Name);
        Assert.Contains("logprobs", error.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExternalClient_HealthCheck_IsServing()
    {
        await using var host = await StartAsync();

        var health = await GrpcReflectionClient.ForPort(host.GrpcPort).CallAsync("grpc.health.v1.Health/Check", "{}");

        Assert.Equal("SERVING", health.GetProperty("status").GetString());
    }
}
