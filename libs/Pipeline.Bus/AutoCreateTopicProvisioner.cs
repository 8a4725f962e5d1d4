using Confluent.Kafka;

namespace Pipeline.Bus;

/// <summary>
/// Lets the broker create topics on first use (<c>allow.auto.create.topics</c>): a producer's metadata request for a
/// topic creates it with the broker's defaults. For librdkafka's mock cluster and development brokers; it cannot set
/// compaction, so the policy topic keeps every version there. Only metadata is requested, never the Admin API.
/// </summary>
public sealed class AutoCreateTopicProvisioner(string bootstrapServers, TimeSpan? timeout = null) : ITopicProvisioner
{
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(10);

    public async Task EnsureAsync(IReadOnlyList<TopicSpec> topics, CancellationToken cancellationToken = default)
    {
        var config = new ProducerConfig { BootstrapServers = bootstrapServers, AllowAutoCreateTopics = true };
        using var producer = new ProducerBuilder<Null, Null>(config).Build();
        using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
        var deadline = DateTime.UtcNow + _timeout;
        foreach (var topic in topics)
        {
            // The first request starts the creation; the topic is usable once its partitions have leaders.
            while (!Ready(admin.GetMetadata(topic.Name, _timeout), topic.Name))
            {
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"topic {topic.Name} was not auto-created within {_timeout}");
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static bool Ready(Metadata metadata, string topic) =>
        metadata.Topics.Any(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError && t.Partitions.Count > 0
            && t.Partitions.All(p => p.Leader >= 0));
}
