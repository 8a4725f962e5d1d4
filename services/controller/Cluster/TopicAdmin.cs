using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Pipeline.Bus;
using Pipeline.Core.Spec;

namespace Pipeline.Services.Controller.Cluster;

/// <summary>Creates and deletes an experiment's Kafka topics.</summary>
public interface ITopicAdmin
{
    /// <summary>Makes the topics exist (idempotent); returns their names.</summary>
    Task<IReadOnlyList<string>> EnsureAsync(string @namespace, string experiment, string bootstrapServers, ClusterKafkaSpec kafka, CancellationToken cancellationToken);

    Task DeleteAsync(string @namespace, string experiment, string bootstrapServers, ClusterKafkaSpec kafka, CancellationToken cancellationToken);
}

/// <summary>
/// Topics through the Kafka Admin API, with the experiment's partitions, replication and security settings; names as
/// the services use them (<c>&lt;namespace&gt;.&lt;experiment&gt;.&lt;topic&gt;</c>, <see cref="KafkaBus.TopicSpecs"/>).
/// The credentials come from the controller's own environment (<c>KAFKA_USERNAME</c>/<c>KAFKA_PASSWORD</c>) when set.
/// </summary>
public sealed class KafkaTopicAdmin(IReadOnlyDictionary<string, string> settings) : ITopicAdmin
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public async Task<IReadOnlyList<string>> EnsureAsync(string @namespace, string experiment, string bootstrapServers, ClusterKafkaSpec kafka, CancellationToken cancellationToken)
    {
        var topics = Specs(@namespace, experiment, bootstrapServers);
        var provisioner = new AdminTopicProvisioner(bootstrapServers, kafka.Partitions, (short)kafka.ReplicationFactor, Settings(kafka));
        await provisioner.EnsureAsync(topics, cancellationToken).WaitAsync(Timeout, cancellationToken).ConfigureAwait(false);
        return topics.Select(t => t.Name).ToList();
    }

    public async Task DeleteAsync(string @namespace, string experiment, string bootstrapServers, ClusterKafkaSpec kafka, CancellationToken cancellationToken)
    {
        var config = new AdminClientConfig { BootstrapServers = bootstrapServers };
        KafkaBus.ApplySettings(config, Settings(kafka));
        using var admin = new AdminClientBuilder(config).Build();
        try
        {
            await admin.DeleteTopicsAsync(Specs(@namespace, experiment, bootstrapServers).Select(t => t.Name)).WaitAsync(Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (DeleteTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.UnknownTopicOrPart))
        {
            // Already gone: deletion is idempotent.
        }
    }

    private static IReadOnlyList<TopicSpec> Specs(string @namespace, string experiment, string bootstrapServers) =>
        KafkaBus.TopicSpecs(new KafkaBusOptions { BootstrapServers = bootstrapServers, Namespace = @namespace, Experiment = experiment, Service = "controller" });

    private Dictionary<string, string> Settings(ClusterKafkaSpec kafka) => Settings(settings, kafka);

    /// <summary>The controller's own librdkafka settings plus the experiment's security protocol and mechanism.</summary>
    internal static Dictionary<string, string> Settings(IReadOnlyDictionary<string, string> settings, ClusterKafkaSpec kafka)
    {
        var result = new Dictionary<string, string>(settings, StringComparer.Ordinal);
        if (kafka.SecurityProtocol != KafkaSecurityProtocol.Plaintext) result["security.protocol"] = EnumNames.Name(kafka.SecurityProtocol);
        if (kafka.SaslMechanism is { } mechanism) result["sasl.mechanism"] = EnumNames.Name(mechanism);
        return result;
    }
}
