using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Pipeline.Controller.Tests.FakeApi;

/// <summary>One change to one object, numbered by the resourceVersion it produced.</summary>
/// <param name="Type">ADDED, MODIFIED or DELETED.</param>
/// <param name="Object">A snapshot of the object after the change (for DELETED: its last state).</param>
/// <param name="Previous">For MODIFIED, the object before the change (to tell when it enters or leaves a selector).</param>
public sealed record WatchEvent(long ResourceVersion, string Type, ResourceType Resource, string Namespace, JsonObject Object, JsonObject? Previous = null);

/// <summary>What one watch request asked for.</summary>
public sealed record WatchFilter(ResourceType Resource, string? Namespace, Selector Labels, Selector Fields)
{
    /// <summary>
    /// The event as this watch sees it, or null. As on a real server, an object modified into the selector
    /// arrives as ADDED and one modified out of it as DELETED.
    /// </summary>
    public WatchEvent? Translate(WatchEvent e)
    {
        if (e.Resource != Resource || (Namespace is not null && e.Namespace != Namespace)) return null;
        var now = Matches(e.Object);
        if (e.Type != "MODIFIED" || e.Previous is null) return now ? e : null;
        var before = Matches(e.Previous);
        return (before, now) switch
        {
            (true, true) => e,
            (false, true) => e with { Type = "ADDED" },
            (true, false) => e with { Type = "DELETED" },
            _ => null,
        };
    }

    private bool Matches(JsonObject obj) => Labels.Matches(obj) && Fields.Matches(obj);
}

/// <summary>An open watch: the events that matched its filter, in resourceVersion order.</summary>
public sealed class WatchSubscription(WatchFilter filter)
{
    public WatchFilter Filter { get; } = filter;
    internal Channel<WatchEvent> Channel { get; } = System.Threading.Channels.Channel.CreateUnbounded<WatchEvent>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    public ChannelReader<WatchEvent> Events => Channel.Reader;
}

/// <summary>
/// Fans every change out to the open watches and keeps a bounded history of changes, so that a watch may resume
/// from a resourceVersion: the events after it are replayed; one older than the history answers 410 (Expired),
/// as a real API server does when its watch cache has moved on. The store calls every method under its own lock,
/// so events reach each watch in resourceVersion order and a subscription never misses or repeats one.
/// </summary>
public sealed class WatchHub(int historyCapacity)
{
    private readonly Queue<WatchEvent> _history = new();
    private readonly List<WatchSubscription> _subscriptions = [];
    private long _compactedThrough;

    /// <summary>The newest resourceVersion the history no longer holds (0 while nothing was dropped).</summary>
    public long CompactedThrough => _compactedThrough;

    public int OpenWatches { get { lock (_subscriptions) return _subscriptions.Count; } }

    internal void Publish(WatchEvent e)
    {
        _history.Enqueue(e);
        while (_history.Count > historyCapacity) _compactedThrough = _history.Dequeue().ResourceVersion;
        lock (_subscriptions)
        {
            foreach (var s in _subscriptions)
                if (s.Filter.Translate(e) is { } seen) s.Channel.Writer.TryWrite(seen);
        }
    }

    /// <summary>
    /// Opens a watch. <paramref name="initial"/> (the current objects, for a watch without a resourceVersion) come
    /// first as ADDED; with a resourceVersion the recorded changes after it are replayed instead.
    /// </summary>
    internal WatchSubscription Subscribe(WatchFilter filter, long? fromResourceVersion, IEnumerable<WatchEvent> initial)
    {
        if (fromResourceVersion is { } from && from < _compactedThrough)
            throw StatusErrors.Gone($"too old resource version: {from} ({_compactedThrough + 1})");
        var sub = new WatchSubscription(filter);
        var backlog = fromResourceVersion is { } rv ? _history.Where(e => e.ResourceVersion > rv) : initial;
        foreach (var e in backlog)
            if (filter.Translate(e) is { } seen) sub.Channel.Writer.TryWrite(seen);
        lock (_subscriptions) _subscriptions.Add(sub);
        return sub;
    }

    internal void Unsubscribe(WatchSubscription sub)
    {
        lock (_subscriptions) _subscriptions.Remove(sub);
        sub.Channel.Writer.TryComplete();
    }

    /// <summary>Forgets every recorded change: a watch resuming from any older resourceVersion then gets 410.</summary>
    internal void Compact(long currentResourceVersion)
    {
        _history.Clear();
        _compactedThrough = currentResourceVersion;
    }

    /// <summary>Ends every open watch (the server is stopping).</summary>
    internal void CloseAll()
    {
        lock (_subscriptions)
        {
            foreach (var s in _subscriptions) s.Channel.Writer.TryComplete();
            _subscriptions.Clear();
        }
    }
}
