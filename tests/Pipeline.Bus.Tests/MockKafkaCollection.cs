namespace Pipeline.Bus.Tests;

/// <summary>One mock cluster for every Kafka test class; each test uses its own experiment, so topics never collide.</summary>
[CollectionDefinition(Name)]
public sealed class MockKafkaCollection : ICollectionFixture<LocalKafkaCluster>
{
    public const string Name = "mock kafka";
}
