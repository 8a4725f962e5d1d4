using System.Threading.Channels;

namespace Pipeline.Services.Controller.Reconcile;

/// <summary>
/// Keys (namespace/name) waiting to be reconciled: a key queued twice is reconciled once, and a key can come back
/// after a delay (progress polling, deadlines, retries after errors). The controller-runtime work queue, reduced to
/// what one worker needs.
/// </summary>
public sealed class PendingReconciles : IDisposable
{
    private readonly Channel<string> _ready = Channel.CreateUnbounded<string>();
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Timer> _delayed = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public void Add(string key)
    {
        lock (_lock)
        {
            if (_delayed.Remove(key, out var timer)) timer.Dispose();
            if (!_queued.Add(key)) return;
        }
        _ready.Writer.TryWrite(key);
    }

    /// <summary>Queues the key after <paramref name="delay"/>, unless it is queued sooner (the sooner wins).</summary>
    public void AddAfter(string key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }
        lock (_lock)
        {
            if (_queued.Contains(key)) return;
            if (_delayed.Remove(key, out var existing)) existing.Dispose();
            _delayed[key] = new Timer(_ => Add(key), null, delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The next key; it may be queued again from the moment it is taken.</summary>
    public async ValueTask<string> TakeAsync(CancellationToken cancellationToken)
    {
        var key = await _ready.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock) _queued.Remove(key);
        return key;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var timer in _delayed.Values) timer.Dispose();
            _delayed.Clear();
        }
    }
}
