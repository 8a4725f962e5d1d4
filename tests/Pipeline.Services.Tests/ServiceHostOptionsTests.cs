using Pipeline.Hosting;

namespace Pipeline.Services.Tests;

public sealed class ServiceHostOptionsTests
{
    [Fact]
    public void Defaults_AreValid_LoopbackWithPickedPorts() =>
        Assert.Empty(new ServiceHostOptions().Validate());

    [Fact]
    public void Validate_ListsEveryProblem_NamingTheSetting()
    {
        var errors = new ServiceHostOptions { BindAddress = "not-an-ip", GrpcPort = -1, MetricsPort = 70000 }.Validate();

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Service:BindAddress:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Service:GrpcPort:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Service:MetricsPort:", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SameFixedPortTwice_IsAnError() =>
        Assert.Contains("must differ", Assert.Single(new ServiceHostOptions { GrpcPort = 5061, MetricsPort = 5061 }.Validate()), StringComparison.Ordinal);

    [Fact]
    public void Validate_UnknownLogFormat_NamesTheChoices() =>
        Assert.Equal("Service:LogFormat: 'xml' is not simple or json", Assert.Single(new ServiceHostOptions { LogFormat = "xml" }.Validate()));

    [Fact]
    public async Task Host_DoesNotServeMetricsOnTheGrpcPort()
    {
        var builder = ServiceHost.CreateBuilder(["--Service:GrpcPort=0", "--Service:MetricsPort=0"]);
        await using var host = await builder.StartAsync(_ => { });
        using var http = new HttpClient { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var response = await http.GetAsync(new Uri(FormattableString.Invariant($"http://127.0.0.1:{host.GrpcPort}/metrics")));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotEqual(host.GrpcPort, host.MetricsPort);
    }
}
