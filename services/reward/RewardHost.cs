using Pipeline.Core.Scoring;
using Pipeline.Core.Spec;
using Pipeline.Hosting;

namespace Pipeline.Services.Reward;

/// <summary>The service's parts in order: spec, shared host, metrics, the Reward service.</summary>
public static class RewardHost
{
    /// <summary>Starts the reward service; throws <see cref="StartupException"/> for a missing or invalid spec or
    /// invalid options, before anything listens.</summary>
    public static async Task<RunningServiceHost> StartAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var spec = LoadSpec(args);
        ServiceHostBuilder builder;
        try
        {
            builder = ServiceHost.CreateBuilder(args);
        }
        catch (ServiceHostOptionsException e)
        {
            throw new StartupException(e.Message, e);
        }
        // GroupScorer is stateless per call, so one instance serves concurrent calls.
        builder.Web.Services.AddSingleton(new GroupScorer(spec));
        builder.Web.Services.AddSingleton<RewardMetrics>();
        return await builder.StartAsync(app =>
        {
            app.MapGrpcService<RewardService>();
            // Created now rather than on the first call, so a scrape before any traffic already shows the series at 0.
            app.Services.GetRequiredService<RewardMetrics>();
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The spec named by <c>--spec FILE</c>, validated with the same loader as the CLI.</summary>
    private static ExperimentSpec LoadSpec(string[] args)
    {
        var at = Array.IndexOf(args, "--spec");
        if (at < 0 || at + 1 >= args.Length) throw new StartupException("reward: --spec FILE is required");
        var path = args[at + 1];
        var loaded = SpecLoader.LoadFile(path);
        if (!loaded.IsValid) throw new StartupException(new SpecException(path, loaded.Errors).Message);
        return loaded.Document!.Spec;
    }
}

/// <summary>The service cannot start; the message says why and is meant for the operator.</summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
