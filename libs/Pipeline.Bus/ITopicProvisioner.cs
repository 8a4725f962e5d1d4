namespace Pipeline.Bus;

/// <summary>A Kafka topic to exist before the bus uses it. The policy topic is compacted: only its latest version matters.</summary>
public sealed record TopicSpec(string Name, bool Compacted);

/// <summary>
/// Makes an experiment's topics exist. Kept apart from <see cref="KafkaBus"/> because how topics come to be differs:
/// a real cluster gets them from the Admin API with partitions and cleanup policy, a test cluster by auto-creation.
/// </summary>
public interface ITopicProvisioner
{
    Task EnsureAsync(IReadOnlyList<TopicSpec> topics, CancellationToken cancellationToken = default);
}
