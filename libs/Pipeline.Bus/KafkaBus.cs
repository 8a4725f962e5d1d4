using Confluent.Kafka;
using Google.Protobuf;
using Timestamp = Google.Protobuf.WellKnownTypes.Timestamp;
using Pipeline.Contracts.V1;

namespace Pipeline.Bus;

/// <summary>
/// The distributed host's bus: the same contract as <see cref="InMemoryBus"/> over Kafka. Topics and consumer groups
/// are per experiment (<c>&lt;namespace&gt;.&lt;experiment&gt;.&lt;name&gt;</c>), keys travel as message keys, payloads
/// as protobuf bytes. One idempotent producer (acks=all) serves every topic; each consumer commits only what its
/// worker committed, so a crash redelivers. Deliveries and dead letters name topics by their short names, as on the
/// in-memory bus, so no worker sees which host it runs in.
/// </summary>
public sealed class KafkaBus : IMessageBus, IDisposable
{
    private readonly IProducer<string, byte[]> _producer;
    private long _deadLetters;

    private KafkaBus(KafkaBusOptions options)
    {
        Options = options;
        var config = new ProducerConfig { BootstrapServers = options.BootstrapServers, EnableIdempotence = true, Acks = Acks.All };
        ApplySettings(config, options.Settings);
        _producer = new ProducerBuilder<string, byte[]>(config).Build();
    }

    public KafkaBusOptions Options { get; }

    public long DeadLettersWritten => Interlocked.Read(ref _deadLetters);

    /// <summary>Every topic of an experiment, as it should exist on the cluster.</summary>
    public static IReadOnlyList<TopicSpec> TopicSpecs(KafkaBusOptions options) =>
    [
        .. new[] { Topics.Prompts.Name, Topics.Rollouts.Name, Topics.Scored.Name, Topics.Eval.Name, Topics.DeadLetters.Name }
            .Select(n => new TopicSpec(options.Qualify(n), Compacted: false)),
        new TopicSpec(options.Qualify(Topics.Policy.Name), Compacted: true),
    ];

    /// <summary>Makes the experiment's topics exist, then connects: consumers then never subscribe to a missing topic.</summary>
    public static async Task<KafkaBus> ConnectAsync(KafkaBusOptions options, ITopicProvisioner provisioner, CancellationToken cancellationToken = default)
    {
        await provisioner.EnsureAsync(TopicSpecs(options), cancellationToken).ConfigureAwait(false);
        return new KafkaBus(options);
    }

    public IProducer<T> Producer<T>(Topic<T> topic) where T : IMessage<T> => new KafkaProducer<T>(this, topic);

    public IConsumer<T> Consumer<T>(Topic<T> topic, string group) where T : IMessage<T> => new KafkaConsumer<T>(this, topic, group);

    /// <summary>Publishes raw bytes, as a misbehaving producer might (tests of the dead-letter path, tools).</summary>
    public Task PublishRawAsync(string topic, string key, byte[] payload, CancellationToken cancellationToken = default) =>
        _producer.ProduceAsync(Options.Qualify(topic), new Message<string, byte[]> { Key = key, Value = payload }, cancellationToken);

    internal async Task DeadLetterAsync(string sourceTopic, string key, byte[] payload, string reason)
    {
        var letter = new DeadLetter
        {
            SourceTopic = sourceTopic, Key = key, Payload = ByteString.CopyFrom(payload), Reason = reason,
            Service = Options.Service, At = Timestamp.FromDateTime(DateTime.UtcNow),
        };
        await PublishRawAsync(Topics.DeadLetters.Name, key, letter.ToByteArray()).ConfigureAwait(false);
        Interlocked.Increment(ref _deadLetters);
    }

    /// <summary>The user's settings go on top of the bus's, so a deployment can tune anything.</summary>
    public static void ApplySettings(ClientConfig config, IReadOnlyDictionary<string, string> settings)
    {
        foreach (var (key, value) in settings) config.Set(key, value);
    }

    /// <summary>Waits for every message in flight, so nothing a worker produced is lost on a clean shutdown.</summary>
    public void Dispose()
    {
        _producer.Flush(Options.FlushTimeout);
        _producer.Dispose();
    }

    private sealed class KafkaProducer<T>(KafkaBus bus, Topic<T> topic) : IProducer<T> where T : IMessage<T>
    {
        // Awaits the broker's acknowledgement: a produced message is on all in-sync replicas when this returns.
        public Task ProduceAsync(string key, T message, CancellationToken cancellationToken = default) =>
            bus.PublishRawAsync(topic.Name, key, message.ToByteArray(), cancellationToken);
    }
}
