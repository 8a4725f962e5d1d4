using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Pipeline.Bus;

/// <summary>
/// Creates topics through the Admin API, for real clusters (brokers usually forbid auto-creation there, and only the
/// Admin API can set partitions, replication and compaction). Never used against librdkafka's mock cluster, whose
/// Admin support is partial: CreateTopics there times out and has corrupted the client.
/// </summary>
/// <param name="settings">librdkafka settings for the admin client (security), as the bus's own clients get them.</param>
public sealed class AdminTopicProvisioner(string bootstrapServers, int partitions = 6, short replicationFactor = 3,
    IReadOnlyDictionary<string, string>? settings = null) : ITopicProvisioner
{
    public async Task EnsureAsync(IReadOnlyList<TopicSpec> topics, CancellationToken cancellationToken = default)
    {
        var config = new AdminClientConfig { BootstrapServers = bootstrapServers };
        KafkaBus.ApplySettings(config, settings ?? new Dictionary<string, string>());
        using var admin = new AdminClientBuilder(config).Build();
        var specs = topics.Select(t => new TopicSpecification
        {
            Name = t.Name, NumPartitions = partitions, ReplicationFactor = replicationFactor,
            Configs = t.Compacted ? new Dictionary<string, string> { ["cleanup.policy"] = "compact" } : null,
        }).ToList();
        try
        {
            await admin.CreateTopicsAsync(specs).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.TopicAlreadyExists))
        {
            // Topics outlive services: the second service of an experiment finds them made by the first.
        }
    }
}
