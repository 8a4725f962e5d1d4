using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Prometheus;

namespace Pipeline.Hosting;

/// <summary>A service host being assembled: add services to <see cref="Web"/>, then map gRPC services and start.</summary>
public sealed class ServiceHostBuilder(WebApplicationBuilder web, BoundEndpoints endpoints, CollectorRegistry registry)
{
    public WebApplicationBuilder Web { get; } = web;

    /// <summary>Builds the app, maps health, reflection and <c>/metrics</c>, lets <paramref name="map"/> add the
    /// service's gRPC services, and starts listening.</summary>
    public async Task<RunningServiceHost> StartAsync(Action<WebApplication> map, CancellationToken cancellationToken = default)
    {
        var app = Web.Build();
        // /metrics only on the metrics port, decided per connection because port 0 is known only after binding.
        app.MapWhen(
            context => context.Connection.LocalPort == endpoints.MetricsPort,
            metrics => metrics.UseMetricServer("/metrics", registry));
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return new RunningServiceHost(app, endpoints);
    }
}

/// <summary>A started host and its bound ports.</summary>
public sealed class RunningServiceHost(WebApplication app, BoundEndpoints endpoints) : IAsyncDisposable
{
    public WebApplication App { get; } = app;
    public int GrpcPort => endpoints.GrpcPort;
    public int MetricsPort => endpoints.MetricsPort;

    /// <summary>Runs until the process is asked to stop (Ctrl+C, SIGTERM).</summary>
    public Task WaitForShutdownAsync() => App.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
    }
}
