namespace Pipeline.Bus.Tests;

/// <summary>The test fixture: one <see cref="LocalKafkaCluster"/> (xunit wants a single parameterless constructor).</summary>
public sealed class MockKafkaCluster : IDisposable
{
    private readonly LocalKafkaCluster _cluster = new();

    public string BootstrapServers => _cluster.BootstrapServers;

    public void Dispose() => _cluster.Dispose();
}

/// <summary>One mock cluster for every Kafka test class; each test uses its own experiment, so topics never collide.</summary>
[CollectionDefinition(Name)]
public sealed class MockKafkaCollection : ICollectionFixture<MockKafkaCluster>
{
    public const string Name = "mock kafka";
}
