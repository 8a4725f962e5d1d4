using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Pipeline.Controller.Tests.FakeApi;

/// <summary>Watches: newline-delimited events in order, label selectors, resuming from a resourceVersion, timeouts.</summary>
public sealed partial class FakeApiServerTests
{
    [Fact]
    public async Task Watch_receives_added_modified_deleted_in_order()
    {
        await _client.BatchV1.CreateNamespacedJobAsync(Job("before"), Ns);
        using var cts = new CancellationTokenSource(Wait * 2);
        var events = Collect(_client.BatchV1.WatchListNamespacedJobAsync(Ns, cancellationToken: cts.Token));

        Assert.Equal((WatchEventType.Added, "before"), Describe(await Next(events)));
        await _client.BatchV1.CreateNamespacedJobAsync(Job("learner"), Ns);
        _server.Store.CompleteJob(Ns, "learner");
        await _client.BatchV1.DeleteNamespacedJobAsync("learner", Ns);

        Assert.Equal((WatchEventType.Added, "learner"), Describe(await Next(events)));
        var modified = await Next(events);
        Assert.Equal((WatchEventType.Modified, "learner"), Describe(modified));
        Assert.Equal(1, modified.Item2.Status.Succeeded);
        var deleted = await Next(events);
        Assert.Equal((WatchEventType.Deleted, "learner"), Describe(deleted));
        Assert.True(long.Parse(deleted.Item2.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture)
            > long.Parse(modified.Item2.Metadata.ResourceVersion, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(1, _server.Requests.Count("watch", "jobs"));
        await cts.CancelAsync();
    }

    [Fact]
    public async Task Watch_with_a_label_selector_sees_objects_enter_and_leave_it()
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("cfg", ("phase", "a")), Ns);
        using var cts = new CancellationTokenSource(Wait * 2);
        var events = Collect(_client.CoreV1.WatchListNamespacedConfigMapAsync(Ns, labelSelector: "phase=b", cancellationToken: cts.Token));
        var relabel = (string v) => _client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch(new { metadata = new { labels = new { phase = v } } }, V1Patch.PatchType.MergePatch), "cfg", Ns);
        await relabel("b");
        await relabel("c");
        await relabel("a"); // outside before and after: not seen
        await relabel("b");
        Assert.Equal((WatchEventType.Added, "cfg"), Describe(await Next(events)));
        Assert.Equal((WatchEventType.Deleted, "cfg"), Describe(await Next(events)));
        Assert.Equal((WatchEventType.Added, "cfg"), Describe(await Next(events)));
        Assert.False(events.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Watch_resumes_from_a_resourceVersion_and_a_too_old_one_gets_410()
    {
        var a = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), Ns);
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), Ns);
        await _client.CoreV1.DeleteNamespacedConfigMapAsync("a", Ns);

        using var cts = new CancellationTokenSource(Wait * 2);
        var events = Collect(_client.CoreV1.WatchListNamespacedConfigMapAsync(Ns, resourceVersion: a.Metadata.ResourceVersion, cancellationToken: cts.Token));
        Assert.Equal((WatchEventType.Added, "b"), Describe(await Next(events)));
        Assert.Equal((WatchEventType.Deleted, "a"), Describe(await Next(events)));
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c"), Ns);
        Assert.Equal((WatchEventType.Added, "c"), Describe(await Next(events)));

        _server.Store.CompactHistory();
        var errors = new List<Exception>();
        var stale = Collect(_client.CoreV1.WatchListNamespacedConfigMapAsync(Ns, resourceVersion: a.Metadata.ResourceVersion, onError: errors.Add));
        // KubernetesClient hands the ERROR event's Status to onError (not to the loop); the stream then ends.
        Assert.True(await stale.Reader.Completion.WaitAsync(Wait).ContinueWith(t => t.IsCompletedSuccessfully));
        var gone = Assert.IsType<KubernetesException>(Assert.Single(errors));
        Assert.Equal(410, gone.Status.Code);
        Assert.Equal("Expired", gone.Status.Reason);
    }

    [Fact]
    public async Task Watch_honours_timeoutSeconds_and_ends_when_the_server_stops()
    {
        await _client.CoreV1.CreateNamespacedPodAsync(new V1Pod { Metadata = new V1ObjectMeta { Name = "p" } }, Ns);
        var (seen, errors) = await WatchPodsUntilClosed(Ns, allowWatchBookmarks: null);
        Assert.Equal([WatchEventType.Added], seen);
        Assert.Empty(errors);

        // An empty watch that times out: with bookmarks allowed the fake ends it with a BOOKMARK ...
        (seen, errors) = await WatchPodsUntilClosed("empty", allowWatchBookmarks: true);
        Assert.Equal([WatchEventType.Bookmark], seen);
        Assert.Empty(errors);
        // ... without, nothing is sent, and KubernetesClient (which waits for the first line before the list call
        // returns) reports the empty stream as an error: a controller must treat that as "watch again".
        (seen, errors) = await WatchPodsUntilClosed("empty", allowWatchBookmarks: null);
        Assert.Empty(seen);
        Assert.IsType<EndOfStreamException>(Assert.IsType<HttpRequestException>(Assert.Single(errors)).InnerException);

        var stopErrors = new List<Exception>();
        var events = Collect(_client.CoreV1.WatchListNamespacedPodAsync(Ns, onError: stopErrors.Add));
        Assert.Equal(WatchEventType.Added, (await events.Reader.ReadAsync().AsTask().WaitAsync(Wait)).Type);
        Assert.Equal(1, _server.Store.Watches.OpenWatches);
        await _server.StopAsync();
        await events.Reader.Completion.WaitAsync(Wait);
        Assert.Empty(stopErrors);
    }

    private async Task<(List<WatchEventType> Seen, List<Exception> Errors)> WatchPodsUntilClosed(string ns, bool? allowWatchBookmarks)
    {
        var closed = new TaskCompletionSource();
        var seen = new List<WatchEventType>();
        var errors = new List<Exception>();
        using var watcher = _client.CoreV1.WatchListNamespacedPod(ns, allowWatchBookmarks: allowWatchBookmarks, timeoutSeconds: 1,
            onEvent: (type, _) => seen.Add(type), onError: errors.Add, onClosed: () => closed.TrySetResult());
        await closed.Task.WaitAsync(Wait);
        return (seen, errors);
    }
}
