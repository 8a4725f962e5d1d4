using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Pipeline.Bus;
using Pipeline.Hosting;
using Pipeline.Model;
using Pipeline.Workers;
using Pipeline.Workers.Policy;
using Pipeline.Workers.Runs;

namespace Pipeline.Services.Rollout;

/// <summary>The service's parts in order: spec and options, the model, the bus, the worker loop, the gRPC service.</summary>
public static partial class RolloutHost
{
    public static readonly ServicePorts DefaultPorts = new(5060, 9160);

    /// <summary>Starts a rollout worker; throws <see cref="StartupException"/> for a bad spec, options or model
    /// before anything listens.</summary>
    public static async Task<RunningServiceHost> StartAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var builder = ServiceHost.CreateBuilder(args, DefaultPorts);
        var configuration = builder.Web.Configuration;
        var (document, _) = ServiceSpec.Load(configuration, "rollout");
        var kafka = KafkaOptionsBinding.Required(configuration);
        var options = OptionsBinding.Bind<RolloutServiceOptions>(configuration, RolloutServiceOptions.Section);
        TorchThreads.Apply(options.Threads);
        var model = ServiceStartup.Load("rollout", () => ModelFolder.Load(document.Spec.Model.Path));
        var identity = new RolloutWorkerIdentity($"rollout-{options.ResolvedIndex()}");
        var policies = PolicyStores.ForConsumer(OptionsBinding.Bind<PolicySourceOptions>(configuration, PolicySourceOptions.Section, o => o.Validate()), document.Metadata.Name, identity.Name);
        var sampler = new RolloutSampler(model.Model, model.Tokenizer, model.EosTokenIds);
        var bus = await kafka.ConnectAsync(document.Metadata.Name, identity.Name, cancellationToken).ConfigureAwait(false);

        builder.Web.Services.AddSingleton(_ => model);
        builder.Web.Services.AddSingleton(_ => bus);
        builder.Web.Services.AddSingleton(sampler);
        builder.Web.Services.AddSingleton(identity);
        builder.Web.Services.AddSingleton<RolloutMetrics>();
        builder.AddWorker("rollout", (services, stopping) => RunWorkerAsync(bus, sampler, policies, identity,
            options.MaxGroupsPerBatch ?? document.Spec.Optimizer.PromptsPerStep, services.GetRequiredService<RolloutMetrics>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger("Pipeline.Rollout"), stopping));
        return await builder.StartAsync(app =>
        {
            app.MapGrpcService<RolloutService>();
            app.Services.GetRequiredService<RolloutMetrics>();
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task RunWorkerAsync(KafkaBus bus, RolloutSampler sampler, IPolicyStore policies, RolloutWorkerIdentity identity,
        int maxGroupsPerBatch, RolloutMetrics metrics, ILogger log, CancellationToken stopping)
    {
        using var worker = new RolloutWorker(bus, sampler, policies, new RolloutWorkerOptions(identity.Name, maxGroupsPerBatch))
        {
            WeightSyncSeconds = metrics.WeightSyncSeconds.Observe,
            BatchGenerated = metrics.RecordBatch,
            PolicyLoadFailed = reason =>
            {
                metrics.PolicyLoadFailures.Inc();
                LogLoadFailed(log, reason);
            },
        };
        metrics.ConsumerLag.Source = () => worker.Lag;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                await worker.RunOnceAsync(TimeSpan.FromMilliseconds(200), stopping).ConfigureAwait(false);
                metrics.PolicyVersion.Set(worker.PolicyVersion);
                metrics.RequestsPending.Set(worker.PendingRequests);
            }
        }
        finally
        {
            metrics.ConsumerLag.Source = null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "an announced policy version could not be loaded; keeping the current weights: {Reason}")]
    private static partial void LogLoadFailed(ILogger log, string reason);
}
