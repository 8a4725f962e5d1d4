using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Pipeline.Contracts.V1;

namespace Pipeline.Bus;

/// <summary>
/// The embedded host's bus: append-only topic logs in memory, one committed offset per (topic, consumer group),
/// payloads stored as protobuf bytes exactly as Kafka would carry them. Thread-safe.
/// </summary>
public sealed class InMemoryBus : IMessageBus
{
    private readonly Dictionary<string, TopicLog> _topics = new(StringComparer.Ordinal);
    private long _deadLetters;

    /// <summary>Names this process in dead letters.</summary>
    public string Service { get; init; } = "embedded";

    public long DeadLettersWritten => Interlocked.Read(ref _deadLetters);

    public IProducer<T> Producer<T>(Topic<T> topic) where T : IMessage<T> => new Producer<T>(Log(topic.Name));

    public IConsumer<T> Consumer<T>(Topic<T> topic, string group) where T : IMessage<T> => new Consumer<T>(this, topic, Log(topic.Name), group);

    /// <summary>Appends raw bytes to a topic, as a misbehaving producer might (tests of the dead-letter path).</summary>
    public void PublishRaw(string topic, string key, byte[] payload) => Log(topic).Append(key, payload);

    /// <summary>Every message ever published to <paramref name="topic"/>, parsed (for reports and tests).</summary>
    public IReadOnlyList<T> ReadAll<T>(Topic<T> topic) where T : IMessage<T> =>
        Log(topic.Name).Snapshot().Select(r => topic.Parser.ParseFrom(r.Payload)).ToList();

    internal TopicLog Log(string name)
    {
        lock (_topics)
        {
            if (!_topics.TryGetValue(name, out var log)) _topics[name] = log = new TopicLog(name);
            return log;
        }
    }

    internal void DeadLetter(string sourceTopic, string key, byte[] payload, string reason)
    {
        var letter = new DeadLetter
        {
            SourceTopic = sourceTopic, Key = key, Payload = ByteString.CopyFrom(payload), Reason = reason,
            Service = Service, At = Timestamp.FromDateTime(DateTime.UtcNow),
        };
        Log(Topics.DeadLetters.Name).Append(key, letter.ToByteArray());
        Interlocked.Increment(ref _deadLetters);
    }
}

internal sealed record LogRecord(string Key, byte[] Payload);

/// <summary>One topic: records in order, committed offsets per group, and a signal for waiting consumers.</summary>
internal sealed class TopicLog(string name)
{
    private readonly List<LogRecord> _records = [];
    private readonly Dictionary<string, long> _committed = new(StringComparer.Ordinal);
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name { get; } = name;

    public void Append(string key, byte[] payload)
    {
        TaskCompletionSource signal;
        lock (_records)
        {
            _records.Add(new LogRecord(key, payload));
            (signal, _appended) = (_appended, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        signal.TrySetResult();
    }

    public IReadOnlyList<LogRecord> Snapshot()
    {
        lock (_records) return [.. _records];
    }

    /// <summary>The record at <paramref name="offset"/>, or null with a task that completes on the next append.</summary>
    public (LogRecord? Record, Task Appended) TryRead(long offset)
    {
        lock (_records) return (offset < _records.Count ? _records[(int)offset] : null, _appended.Task);
    }

    public long Count
    {
        get { lock (_records) return _records.Count; }
    }

    public long Committed(string group)
    {
        lock (_committed) return _committed.GetValueOrDefault(group);
    }

    public void Commit(string group, long nextOffset)
    {
        lock (_committed) _committed[group] = Math.Max(_committed.GetValueOrDefault(group), nextOffset);
    }
}

internal sealed class Producer<T>(TopicLog log) : IProducer<T> where T : IMessage<T>
{
    public Task ProduceAsync(string key, T message, CancellationToken cancellationToken = default)
    {
        log.Append(key, message.ToByteArray());
        return Task.CompletedTask;
    }
}

/// <summary>Reads from the group's committed offset on; an unparsable payload is dead-lettered and skipped.</summary>
internal sealed class Consumer<T>(InMemoryBus bus, Topic<T> topic, TopicLog log, string group) : IConsumer<T> where T : IMessage<T>
{
    private long _position = log.Committed(group);
    // The offset after the last message handed to the worker: a commit below it means one is still in processing.
    private long _handedOut = log.Committed(group);

    public long Lag => log.Count - log.Committed(group);

    public async Task<Delivery<T>?> ConsumeAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var (record, appended) = log.TryRead(_position);
            if (record is not null)
            {
                var offset = _position++;
                if (TryParse(record, out var message, out var reason))
                {
                    _handedOut = offset + 1;
                    return new Delivery<T>(topic.Name, record.Key, message!, offset);
                }
                bus.DeadLetter(topic.Name, record.Key, record.Payload, reason!);
                // Committing past the bad record while an earlier message is still being processed would lose that
                // message on a crash; left alone, the worker's next commit covers the bad record.
                if (log.Committed(group) >= _handedOut) log.Commit(group, offset + 1);
                continue;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return null;
            await Task.WhenAny(appended, Task.Delay(left, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public void Commit(Delivery<T> delivery) => log.Commit(group, delivery.Offset + 1);

    public void Dispose() { }

    private bool TryParse(LogRecord record, out T? message, out string? reason)
    {
        try
        {
            message = topic.Parser.ParseFrom(record.Payload);
            reason = null;
            return true;
        }
        catch (InvalidProtocolBufferException e)
        {
            message = default;
            reason = $"cannot parse {typeof(T).Name} from {record.Payload.Length} bytes: {e.Message}";
            return false;
        }
    }
}
