using Pipeline.Hosting;

namespace Pipeline.Services.Controller;

/// <summary>The controller's process: options, the Kubernetes client, leader election, the reconcile loop, /metrics.</summary>
public static class ControllerHost
{
    public static readonly ServicePorts DefaultPorts = new(5064, 8080);

    public static async Task<RunningServiceHost> StartAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var builder = ServiceHost.CreateBuilder(args, DefaultPorts);
        return await builder.StartAsync(_ => { }, cancellationToken).ConfigureAwait(false);
    }
}
