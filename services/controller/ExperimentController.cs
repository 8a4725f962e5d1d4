using System.Diagnostics;
using System.Text.Json;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Pipeline.Services.Controller.Crd;
using Pipeline.Services.Controller.Reconcile;

namespace Pipeline.Services.Controller;

/// <summary>
/// The control loop: list and watch Experiments (and the Jobs they own, so a Job's change wakes its experiment),
/// reconcile one key at a time, requeue as the reconcile asks (progress polling, deadlines) and retry failures
/// with exponential backoff. Watches that end or fail are re-listed, so nothing is missed for long.
/// </summary>
public sealed partial class ExperimentController(IKubernetes client, Reconciler reconciler, ControllerOptions options,
    ControllerMetrics metrics, ILogger<ExperimentController> log)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var pending = new PendingReconciles();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watches = Task.WhenAll(
            KeepWatchingAsync("experiments", () => WatchExperimentsAsync(pending, stop.Token), stop.Token),
            KeepWatchingAsync("jobs", () => WatchJobsAsync(pending, stop.Token), stop.Token));
        try
        {
            await ProcessAsync(pending, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Asked to stop (shutdown, or leadership lost).
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await watches.ConfigureAwait(false);
        }
    }

    private async Task ProcessAsync(PendingReconciles pending, CancellationToken cancellationToken)
    {
        while (true)
        {
            var key = await pending.TakeAsync(cancellationToken).ConfigureAwait(false);
            var (ns, name) = Split(key);
            var watch = Stopwatch.StartNew();
            try
            {
                var again = await reconciler.ReconcileAsync(ns, name, cancellationToken).ConfigureAwait(false);
                metrics.Reconciles.WithLabels("success").Inc();
                _failures.Remove(key);
                if (again is { } delay) pending.AddAfter(key, delay);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                metrics.Reconciles.WithLabels("error").Inc();
                metrics.ReconcileErrors.WithLabels(e is k8s.Autorest.HttpOperationException ? "api" : "other").Inc();
                var failures = _failures[key] = _failures.GetValueOrDefault(key) + 1;
                var backoff = TimeSpan.FromMilliseconds(Math.Min(MaxBackoff.TotalMilliseconds, 500 * Math.Pow(2, failures - 1)));
                LogFailed(key, backoff.TotalSeconds, e);
                pending.AddAfter(key, backoff);
            }
            finally
            {
                metrics.ReconcileSeconds.Observe(watch.Elapsed.TotalSeconds);
            }
        }
    }

    private async Task KeepWatchingAsync(string what, Func<Task> watch, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await watch().ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                LogWatch(what, e.Message);
            }
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Lists every Experiment (each is reconciled: the resync), then follows changes from that list's version.</summary>
    private async Task WatchExperimentsAsync(PendingReconciles pending, CancellationToken cancellationToken)
    {
        var list = JsonSerializer.SerializeToNode(options.Namespace is { Length: > 0 } ns
            ? await client.CustomObjects.ListNamespacedCustomObjectAsync(ExperimentResource.Group, ExperimentResource.Version, ns, ExperimentResource.Plural, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await client.CustomObjects.ListClusterCustomObjectAsync(ExperimentResource.Group, ExperimentResource.Version, ExperimentResource.Plural, cancellationToken: cancellationToken).ConfigureAwait(false))!;
        foreach (var item in list["items"]!.AsArray()) pending.Add(Key(item!["metadata"]!));
        var version = list["metadata"]?["resourceVersion"]?.GetValue<string>();
        Exception? failure = null;
        var events = options.Namespace is { Length: > 0 } only
            ? client.CustomObjects.WatchListNamespacedCustomObjectAsync(ExperimentResource.Group, ExperimentResource.Version, only, ExperimentResource.Plural,
                resourceVersion: version, timeoutSeconds: 300, onError: e => failure = e, cancellationToken: cancellationToken)
            : client.CustomObjects.WatchListCustomObjectForAllNamespacesAsync(ExperimentResource.Group, ExperimentResource.Version, ExperimentResource.Plural,
                resourceVersion: version, timeoutSeconds: 300, onError: e => failure = e, cancellationToken: cancellationToken);
        await foreach (var (_, item) in events.ConfigureAwait(false))
        {
            if (JsonSerializer.SerializeToNode(item)?["metadata"] is { } metadata) pending.Add(Key(metadata));
        }
        if (failure is not null) LogWatch("experiments", failure.Message);
    }

    /// <summary>Follows the Jobs the controller made: a Job that starts, finishes or fails wakes its experiment.</summary>
    private async Task WatchJobsAsync(PendingReconciles pending, CancellationToken cancellationToken)
    {
        var selector = $"{ExperimentResource.ManagedByLabel}={ExperimentResource.ManagedBy}";
        Exception? failure = null;
        var events = options.Namespace is { Length: > 0 } only
            ? client.BatchV1.WatchListNamespacedJobAsync(only, labelSelector: selector, timeoutSeconds: 300, onError: e => failure = e, cancellationToken: cancellationToken)
            : client.BatchV1.WatchListJobForAllNamespacesAsync(labelSelector: selector, timeoutSeconds: 300, onError: e => failure = e, cancellationToken: cancellationToken);
        await foreach (var (_, job) in events.ConfigureAwait(false))
        {
            if (job.Metadata.Labels?.TryGetValue(ExperimentResource.ExperimentLabel, out var experiment) == true)
                pending.Add($"{job.Metadata.NamespaceProperty}/{experiment}");
        }
        if (failure is not null) LogWatch("jobs", failure.Message);
    }

    private static string Key(System.Text.Json.Nodes.JsonNode metadata) =>
        $"{metadata["namespace"]?.GetValue<string>() ?? "default"}/{metadata["name"]!.GetValue<string>()}";

    private static (string Namespace, string Name) Split(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return (key[..slash], key[(slash + 1)..]);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "reconcile of {Key} failed; retrying in {Seconds} s")]
    private partial void LogFailed(string key, double seconds, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "watch of {What} ended ({Reason}); listing again")]
    private partial void LogWatch(string what, string reason);
}
