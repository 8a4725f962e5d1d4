using System.Collections.Concurrent;
using Pipeline.Core.Spec;
using Pipeline.Services.Controller.Cluster;

namespace Pipeline.Controller.Tests.Harness;

/// <summary>Stands in for the Kafka Admin API (never called against librdkafka's mock cluster): records what the
/// controller asked for, and fails while <see cref="Unavailable"/> is set.</summary>
public sealed class RecordingTopicAdmin : ITopicAdmin
{
    public ConcurrentQueue<string> Calls { get; } = new();

    /// <summary>The connection of each call, in order.</summary>
    public ConcurrentQueue<KafkaConnection> Connections { get; } = new();

    private volatile string? _unavailable;

    public string? Unavailable { get => _unavailable; set => _unavailable = value; }

    public Task<IReadOnlyList<string>> EnsureAsync(string @namespace, string experiment, KafkaConnection connection, ClusterKafkaSpec kafka, CancellationToken cancellationToken)
    {
        if (Unavailable is { } why) throw new InvalidOperationException(why);
        Connections.Enqueue(connection);
        Calls.Enqueue($"ensure {@namespace}/{experiment} at {connection.BootstrapServers} partitions={kafka.Partitions}");
        IReadOnlyList<string> names = [.. new[] { "prompts", "rollouts", "scored", "eval", "dlq", "policy" }.Select(t => $"{@namespace}.{experiment}.{t}")];
        return Task.FromResult(names);
    }

    public Task DeleteAsync(string @namespace, string experiment, KafkaConnection connection, CancellationToken cancellationToken)
    {
        if (Unavailable is { } why) throw new InvalidOperationException(why);
        Connections.Enqueue(connection);
        Calls.Enqueue($"delete {@namespace}/{experiment}");
        return Task.CompletedTask;
    }
}
