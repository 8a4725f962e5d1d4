using Pipeline.Bus;
using Pipeline.Core.Scoring;
using Pipeline.Hosting;
using Pipeline.Workers;
using Prometheus;

namespace Pipeline.Services.Reward;

/// <summary>The service's parts in order: spec, shared host, metrics, the Reward service, and with Kafka the bus worker.</summary>
public static class RewardHost
{
    public static readonly ServicePorts DefaultPorts = new(5061, 9161);

    /// <summary>Starts the reward service; throws <see cref="StartupException"/> for a missing or invalid spec or
    /// invalid options, before anything listens. Without <c>Kafka:BootstrapServers</c> it answers direct calls only.</summary>
    public static async Task<RunningServiceHost> StartAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var builder = ServiceHost.CreateBuilder(args, DefaultPorts);
        var (document, _) = ServiceSpec.Load(builder.Web.Configuration, "reward");
        var spec = document.Spec;
        // GroupScorer is stateless per call, so one instance serves concurrent calls.
        builder.Web.Services.AddSingleton(new GroupScorer(spec));
        builder.Web.Services.AddSingleton<RewardMetrics>();

        if (KafkaOptionsBinding.Optional(builder.Web.Configuration) is { } kafka)
        {
            var bus = await kafka.ConnectAsync(document.Metadata.Name, "reward", cancellationToken).ConfigureAwait(false);
            builder.Web.Services.AddSingleton(_ => bus);
            builder.AddWorker("reward", (services, stopping) => RunWorkerAsync(bus, spec, services, stopping));
        }
        return await builder.StartAsync(app =>
        {
            app.MapGrpcService<RewardService>();
            // Created now rather than on the first call, so a scrape before any traffic already shows the series at 0.
            app.Services.GetRequiredService<RewardMetrics>();
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task RunWorkerAsync(KafkaBus bus, Core.Spec.ExperimentSpec spec, IServiceProvider services, CancellationToken stopping)
    {
        var metrics = services.GetRequiredService<RewardMetrics>();
        using var worker = new RewardWorker(bus, spec) { GroupScored = metrics.Record };
        services.GetRequiredService<CollectorRegistry>().AddBeforeCollectCallback(() =>
        {
            // Unreadable payloads are dead-lettered by the bus's consumer, inconsistent groups by the worker.
            metrics.DeadLetters.IncTo(worker.DeadLettered + bus.DeadLettersWritten);
        });
        metrics.ConsumerLag.Source = () => worker.Lag;
        try
        {
            await worker.RunAsync(stopping).ConfigureAwait(false);
        }
        finally
        {
            metrics.ConsumerLag.Source = null;
        }
    }
}
