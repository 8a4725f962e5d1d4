using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Prometheus;

namespace Pipeline.Hosting;

/// <summary>A service host being assembled: add services to <see cref="Web"/>, then map gRPC services and start.</summary>
public sealed class ServiceHostBuilder(WebApplicationBuilder web, BoundEndpoints endpoints, CollectorRegistry registry)
{
    public WebApplicationBuilder Web { get; } = web;

    /// <summary>
    /// Runs <paramref name="loop"/> (the service's bus worker) beside the gRPC server. When it returns the service
    /// stops with exit code 0; when it throws, the error is logged and the service stops with exit code 1, so an
    /// orchestrator (a Kubernetes Job, <c>pipeline run --distributed</c>) sees the failure and can restart it.
    /// </summary>
    public ServiceHostBuilder AddWorker(string name, Func<IServiceProvider, CancellationToken, Task> loop)
    {
        Web.Services.AddSingleton<IHostedService>(services => new WorkerLoop(name, services, loop));
        return this;
    }

    /// <summary>Builds the app, maps health, reflection and <c>/metrics</c>, lets <paramref name="map"/> add the
    /// service's gRPC services, and starts listening.</summary>
    public async Task<RunningServiceHost> StartAsync(Action<WebApplication> map, CancellationToken cancellationToken = default)
    {
        var app = Web.Build();
        // /metrics only on the metrics port, decided per connection because port 0 is known only after binding.
        app.MapWhen(
            context => context.Connection.LocalPort == endpoints.MetricsPort,
            metrics =>
            {
                metrics.UseMetricServer("/metrics", registry);
                // HTTP probes beside /metrics for Kubernetes (the gRPC port answers grpc.health.v1 as well):
                // alive and ready once the host has started.
                metrics.Map("/healthz", probe => probe.Run(context => context.Response.WriteAsync("ok")));
                metrics.Map("/readyz", probe => probe.Run(context => context.Response.WriteAsync("ok")));
            });
        app.MapGrpcHealthChecksService();
        app.MapGrpcReflectionService();
        map(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var host = new RunningServiceHost(app, endpoints);
        if (app.Services.GetRequiredService<ServiceHostOptions>().ReadyFile is { Length: > 0 } ready) host.WriteReadyFile(ready);
        return host;
    }
}

/// <summary>A started host and its bound ports.</summary>
public sealed class RunningServiceHost(WebApplication app, BoundEndpoints endpoints) : IAsyncDisposable
{
    public WebApplication App { get; } = app;
    public int GrpcPort => endpoints.GrpcPort;
    public int MetricsPort => endpoints.MetricsPort;

    public void WriteReadyFile(string path)
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new { grpc = GrpcPort, metrics = MetricsPort, pid = Environment.ProcessId });
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, json);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Runs until the process is asked to stop (Ctrl+C, SIGTERM) or a worker loop ends it.</summary>
    public Task WaitForShutdownAsync() => App.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync().ConfigureAwait(false);
        await App.DisposeAsync().ConfigureAwait(false);
    }
}
