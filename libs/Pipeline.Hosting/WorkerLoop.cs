using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pipeline.Hosting;

/// <summary>A service's bus loop as a hosted service: its end, or its failure, ends the process (see <see cref="ServiceHostBuilder.AddWorker"/>).</summary>
internal sealed partial class WorkerLoop(string name, IServiceProvider services, Func<IServiceProvider, CancellationToken, Task> loop) : BackgroundService
{
    private readonly ILogger _log = services.GetRequiredService<ILoggerFactory>().CreateLogger("Pipeline.Worker");
    private readonly IHostApplicationLifetime _lifetime = services.GetRequiredService<IHostApplicationLifetime>();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Let the host finish starting (ports bound) before the loop runs: a loop that ends at once (a restarted
            // evaluator whose work is done) would otherwise stop the host while Kestrel is still binding.
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (_lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
            {
                await started.Task.ConfigureAwait(false);
            }
            await loop(services, stoppingToken).ConfigureAwait(false);
            if (!stoppingToken.IsCancellationRequested)
            {
                LogFinished(name);
                _lifetime.StopApplication();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // A clean shutdown.
        }
#pragma warning disable CA1031 // Any failure of the loop must end the process, whatever it is.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogFailed(e, name);
            Environment.ExitCode = 1;
            _lifetime.StopApplication();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Worker}: finished")]
    private partial void LogFinished(string worker);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Worker}: failed; stopping the service")]
    private partial void LogFailed(Exception e, string worker);
}
