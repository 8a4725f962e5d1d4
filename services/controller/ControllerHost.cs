using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Hosting;
using Pipeline.Services.Controller.Cluster;
using Pipeline.Services.Controller.Reconcile;

namespace Pipeline.Services.Controller;

/// <summary>What a test replaces in the controller: the Kafka Admin client, and the address of a service's gRPC.</summary>
public sealed record ControllerOverrides(ITopicAdmin? Topics = null, Func<Reconcile.ExperimentObject, string, string>? ProgressAddress = null,
    IEvaluationHistory? Evaluations = null);

/// <summary>The controller's process: options, the Kubernetes client, leader election, the control loop, /metrics and health.</summary>
public static partial class ControllerHost
{
    public static readonly ServicePorts DefaultPorts = new(5064, 8080);

    /// <param name="overrides">Replace the Kafka Admin client and how services are addressed (tests).</param>
    public static async Task<RunningServiceHost> StartAsync(string[] args, ControllerOverrides? overrides = null, CancellationToken cancellationToken = default)
    {
        var builder = ServiceHost.CreateBuilder(args, DefaultPorts);
        var configuration = builder.Web.Configuration;
        var options = OptionsBinding.Bind<ControllerOptions>(configuration, ControllerOptions.Section, o => o.Validate());
        // The controller's own librdkafka settings (as the services take theirs), under each experiment's (KafkaConnections).
        var kafkaSettings = OptionsBinding.Bind<KafkaOptions>(configuration, KafkaOptions.Section).Settings;
        var client = new Kubernetes(ClientConfiguration(options));

        builder.Web.Services.AddSingleton(options);
        builder.Web.Services.AddSingleton<IKubernetes>(client);
        builder.Web.Services.AddSingleton(new KafkaConnections(client, options, kafkaSettings));
        builder.Web.Services.AddSingleton(overrides?.Topics ?? new KafkaTopicAdmin());
        builder.Web.Services.AddSingleton(overrides?.Evaluations ?? new KafkaEvalTopicReader());
        builder.Web.Services.AddSingleton<IProgressSource>(_ => overrides?.ProgressAddress is { } address ? new GrpcProgressSource(address) : GrpcProgressSource.For(options));
        builder.Web.Services.AddSingleton<ControllerMetrics>();
        builder.Web.Services.AddSingleton<Reconciler>();
        builder.Web.Services.AddSingleton<ExperimentController>();
        builder.AddWorker("controller", (services, stopping) => RunAsync(services, options, stopping));
        return await builder.StartAsync(app =>
        {
            // /healthz and /readyz come with the host (a follower is ready too: it is waiting for the lease).
            app.Services.GetRequiredService<ControllerMetrics>();
        }, cancellationToken).ConfigureAwait(false);
    }

    private static KubernetesClientConfiguration ClientConfiguration(ControllerOptions options)
    {
        if (options.ApiServer is { Length: > 0 } url) return new KubernetesClientConfiguration { Host = url };
        try
        {
            return KubernetesClientConfiguration.IsInCluster()
                ? KubernetesClientConfiguration.InClusterConfig()
                : KubernetesClientConfiguration.BuildConfigFromConfigFile();
        }
        catch (Exception e) when (e is k8s.Exceptions.KubeConfigException or FileNotFoundException)
        {
            throw new StartupException($"controller: no Kubernetes API server: not in a cluster and no kubeconfig ({e.Message}); set --Controller:ApiServer=URL", e);
        }
    }

    /// <summary>Without leader election the loop runs at once; with it, only while this replica holds the lease.
    /// Losing the lease ends the process (exit 0), so the Deployment restarts it as a follower, as controller-runtime does.</summary>
    private static async Task RunAsync(IServiceProvider services, ControllerOptions options, CancellationToken stopping)
    {
        var controller = services.GetRequiredService<ExperimentController>();
        var metrics = services.GetRequiredService<ControllerMetrics>();
        if (!options.LeaderElection.Enabled)
        {
            metrics.Leader.Set(1);
            await controller.RunAsync(stopping).ConfigureAwait(false);
            return;
        }
        var election = options.LeaderElection;
        // Named, or the pod's name (the chart passes POD_NAME); otherwise unique per process, so two replicas never share one.
        var identity = election.Identity is { Length: > 0 } named ? named
            : Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : $"{Environment.MachineName}-{Guid.NewGuid():N}";
        var lease = new LeaseLock(services.GetRequiredService<IKubernetes>(), election.LeaseNamespace!, election.LeaseName, identity);
        using var elector = new LeaderElector(new LeaderElectionConfig(lease)
        {
            LeaseDuration = TimeSpan.FromSeconds(election.LeaseDurationSeconds),
            RenewDeadline = TimeSpan.FromSeconds(election.RenewDeadlineSeconds),
            RetryPeriod = TimeSpan.FromSeconds(election.RetryPeriodSeconds),
        });
        var log = services.GetRequiredService<ILoggerFactory>().CreateLogger("Pipeline.Controller.LeaderElection");
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        Task run = Task.CompletedTask;
        elector.OnStartedLeading += () =>
        {
            metrics.Leader.Set(1);
            LogLeading(log, identity, election.LeaseNamespace!, election.LeaseName);
            run = controller.RunAsync(leading.Token);
        };
        elector.OnStoppedLeading += () =>
        {
            metrics.Leader.Set(0);
            leading.Cancel();
        };
        metrics.Leader.Set(0);
        await elector.RunUntilLeadershipLostAsync(stopping).ConfigureAwait(false);
        await leading.CancelAsync().ConfigureAwait(false);
        await run.ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} leads (lease {Namespace}/{Lease})")]
    private static partial void LogLeading(ILogger log, string identity, string @namespace, string lease);
}
