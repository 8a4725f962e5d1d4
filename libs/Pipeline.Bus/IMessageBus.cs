using Google.Protobuf;

namespace Pipeline.Bus;

/// <summary>A message taken from a topic; commit it once it is fully processed.</summary>
public sealed record Delivery<T>(string Topic, string Key, T Message, long Offset)
{
    /// <summary>Offsets count per partition on Kafka; the in-memory bus has one partition per topic (0).</summary>
    public int Partition { get; init; }
}

/// <summary>
/// The transport between workers. Processing is at-least-once: a consumer sees a message again until it commits it,
/// so every worker is idempotent by group id and policy version. Payloads travel as protobuf bytes on every
/// implementation, so a payload that cannot be parsed is a real case everywhere: it goes to the dead-letter topic
/// with the reason and is skipped, never stopping the consumer.
/// </summary>
public interface IMessageBus
{
    IProducer<T> Producer<T>(Topic<T> topic) where T : IMessage<T>;

    /// <summary>A consumer in <paramref name="group"/>: consumers of one group share the topic's messages and offsets.</summary>
    IConsumer<T> Consumer<T>(Topic<T> topic, string group) where T : IMessage<T>;

    /// <summary>Dead letters written so far by this process (for metrics and tests).</summary>
    long DeadLettersWritten { get; }
}

public interface IProducer<in T> where T : IMessage<T>
{
    Task ProduceAsync(string key, T message, CancellationToken cancellationToken = default);
}

public interface IConsumer<T> : IDisposable where T : IMessage<T>
{
    /// <summary>The next message, or null when none arrives within <paramref name="timeout"/>.</summary>
    Task<Delivery<T>?> ConsumeAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Marks <paramref name="delivery"/> and everything before it in its partition as processed.</summary>
    void Commit(Delivery<T> delivery);

    /// <summary>Messages published but not yet consumed by this group (consumer lag).</summary>
    long Lag { get; }
}
