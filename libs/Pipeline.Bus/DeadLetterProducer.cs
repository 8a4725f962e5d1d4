using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Pipeline.Contracts.V1;

namespace Pipeline.Bus;

/// <summary>
/// Sends a message a worker could parse but not process (an invalid group, a failure while scoring) to the
/// dead-letter topic with the reason, so it is counted and kept for inspection instead of stopping the pipeline.
/// </summary>
public sealed class DeadLetterProducer(IMessageBus bus, string service)
{
    private readonly IProducer<DeadLetter> _producer = bus.Producer(Topics.DeadLetters);
    private long _sent;

    public long Sent => Interlocked.Read(ref _sent);

    public async Task SendAsync<T>(Delivery<T> delivery, string reason, CancellationToken cancellationToken = default) where T : IMessage<T>
    {
        var letter = new DeadLetter
        {
            SourceTopic = delivery.Topic, Key = delivery.Key, Payload = delivery.Message.ToByteString(), Reason = reason,
            Service = service, At = Timestamp.FromDateTime(DateTime.UtcNow),
        };
        await _producer.ProduceAsync(delivery.Key, letter, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _sent);
    }
}
