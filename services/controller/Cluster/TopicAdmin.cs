using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Pipeline.Bus;
using Pipeline.Core.Spec;

namespace Pipeline.Services.Controller.Cluster;

/// <summary>Creates and deletes an experiment's Kafka topics.</summary>
public interface ITopicAdmin
{
    /// <summary>Makes the topics exist (idempotent), with the experiment's partitions and replication; returns their names.</summary>
    Task<IReadOnlyList<string>> EnsureAsync(string @namespace, string experiment, KafkaConnection connection, ClusterKafkaSpec kafka, CancellationToken cancellationToken);

    Task DeleteAsync(string @namespace, string experiment, KafkaConnection connection, CancellationToken cancellationToken);
}

/// <summary>
/// Topics through the Kafka Admin API, connected as <see cref="KafkaConnections"/> resolves for the experiment; names as
/// the services use them (<c>&lt;namespace&gt;.&lt;experiment&gt;.&lt;topic&gt;</c>, <see cref="KafkaBus.TopicSpecs"/>).
/// </summary>
public sealed class KafkaTopicAdmin : ITopicAdmin
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public async Task<IReadOnlyList<string>> EnsureAsync(string @namespace, string experiment, KafkaConnection connection, ClusterKafkaSpec kafka, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(kafka);
        var topics = Specs(@namespace, experiment, connection.BootstrapServers);
        var provisioner = new AdminTopicProvisioner(connection.BootstrapServers, kafka.Partitions, (short)kafka.ReplicationFactor, connection.Settings);
        await provisioner.EnsureAsync(topics, cancellationToken).WaitAsync(Timeout, cancellationToken).ConfigureAwait(false);
        return topics.Select(t => t.Name).ToList();
    }

    public async Task DeleteAsync(string @namespace, string experiment, KafkaConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var config = new AdminClientConfig { BootstrapServers = connection.BootstrapServers };
        KafkaBus.ApplySettings(config, connection.Settings);
        using var admin = new AdminClientBuilder(config).Build();
        try
        {
            await admin.DeleteTopicsAsync(Specs(@namespace, experiment, connection.BootstrapServers).Select(t => t.Name)).WaitAsync(Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (DeleteTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.NoError or ErrorCode.UnknownTopicOrPart))
        {
            // Already gone: deletion is idempotent.
        }
    }

    private static IReadOnlyList<TopicSpec> Specs(string @namespace, string experiment, string bootstrapServers) =>
        KafkaBus.TopicSpecs(new KafkaBusOptions { BootstrapServers = bootstrapServers, Namespace = @namespace, Experiment = experiment, Service = "controller" });
}
