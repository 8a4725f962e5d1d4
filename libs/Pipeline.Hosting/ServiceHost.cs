using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Pipeline.Hosting;

/// <summary>
/// Builds a service host: <see cref="CreateBuilder"/> configures Kestrel, gRPC, health, reflection and a metrics
/// registry; the service adds its own gRPC services; <see cref="ServiceHostBuilder.StartAsync"/> maps the shared endpoints and starts.
/// </summary>
public static class ServiceHost
{
    /// <summary>
    /// A builder with the options bound (configuration, <c>PIPELINE_</c>-prefixed or plain environment, command
    /// line) and validated: invalid options throw <see cref="ServiceHostOptionsException"/> before anything listens.
    /// </summary>
    /// <param name="defaults">The service's well-known ports, used unless configured otherwise.</param>
    public static ServiceHostBuilder CreateBuilder(string[] args, ServicePorts? defaults = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        // Lowest priority: every other source overrides them. In code rather than appsettings.json, so several
        // services can be published into one folder (bin/) without their settings files colliding.
        if (defaults is { } ports)
        {
            builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
            {
                InitialData = new Dictionary<string, string?>
                {
                    [$"{ServiceHostOptions.Section}:{nameof(ServiceHostOptions.GrpcPort)}"] = ports.Grpc.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    [$"{ServiceHostOptions.Section}:{nameof(ServiceHostOptions.MetricsPort)}"] = ports.Metrics.ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
            });
        }
        builder.Configuration.AddEnvironmentVariables("PIPELINE_");
        // Command-line arguments win over the prefixed environment, as they do over the plain one.
        builder.Configuration.AddCommandLine(args);

        var options = OptionsBinding.Bind<ServiceHostOptions>(builder.Configuration, ServiceHostOptions.Section, o => o.Validate());
        if (options.LogFormat == ServiceHostOptions.JsonLogs)
        {
            // One JSON object per line for a log collector, instead of the console's two-line entries.
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole();
        }

        var endpoints = new BoundEndpoints();
        var address = IPAddress.Parse(options.BindAddress);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // gRPC without TLS inside the cluster: HTTP/2 only, since h2c cannot be negotiated with HTTP/1.
            kestrel.Listen(address, options.GrpcPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                endpoints.Grpc = listen;
            });
            // Prometheus scrapes over HTTP/1.1.
            kestrel.Listen(address, options.MetricsPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                endpoints.Metrics = listen;
            });
        });

        builder.Services.AddGrpc();
        // With no health check registered the gRPC health service answers UNKNOWN; "self" makes a started host
        // SERVING (liveness). Services add readiness checks (e.g. the bus) to the same builder.
        builder.Services.AddGrpcHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy());
        builder.Services.AddGrpcReflection();

        // A registry per host: no process-wide default collectors (event counters, meters, process stats), so the
        // exposition holds the service's metrics only, and two hosts in one test process do not share counters.
        var registry = Metrics.NewCustomRegistry();
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton<IMetricFactory>(Metrics.WithCustomRegistry(registry));
        builder.Services.AddSingleton(endpoints);
        builder.Services.AddSingleton(options);

        return new ServiceHostBuilder(builder, endpoints, registry);
    }
}

/// <summary>A service's default gRPC and metrics ports.</summary>
public readonly record struct ServicePorts(int Grpc, int Metrics);

/// <summary>Kestrel's listen options of the two ports; Kestrel writes the bound port into them once started.</summary>
public sealed class BoundEndpoints
{
    internal ListenOptions? Grpc { get; set; }
    internal ListenOptions? Metrics { get; set; }

    public int GrpcPort => Port(Grpc);
    public int MetricsPort => Port(Metrics);

    private static int Port(ListenOptions? listen) =>
        (listen?.EndPoint as IPEndPoint)?.Port ?? throw new InvalidOperationException("the host has not started");
}
