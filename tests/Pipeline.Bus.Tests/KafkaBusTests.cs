using System.Globalization;
using Pipeline.Bus;
using Pipeline.Contracts.V1;

namespace Pipeline.Bus.Tests;

/// <summary>
/// The bus contract on <see cref="KafkaBus"/> over librdkafka's mock cluster (real sockets, real consumer groups),
/// plus what only Kafka has: qualified topic names, flushing on dispose, isolation of experiments.
/// </summary>
[Collection(MockKafkaCollection.Name)]
public class KafkaBusTests(MockKafkaCluster cluster) : BusContractTests
{
    private static int _experiments;

    // Joining a group on the mock takes a few hundred milliseconds; an absent message is awaited for a second.
    protected override TimeSpan Patience => TimeSpan.FromSeconds(15);

    protected override TimeSpan Quiet => TimeSpan.FromSeconds(1);

    protected override IMessageBus CreateBus(string service) => Connect(NewExperiment(), service);

    protected override Task PublishRawAsync(IMessageBus bus, string topic, string key, byte[] payload) =>
        ((KafkaBus)bus).PublishRawAsync(topic, key, payload);

    /// <summary>Each test its own experiment, hence its own topics and groups on the shared cluster.</summary>
    private static string NewExperiment() => "exp" + Interlocked.Increment(ref _experiments).ToString(CultureInfo.InvariantCulture);

    private KafkaBus Connect(string experiment, string service = "test")
    {
        var options = new KafkaBusOptions
        {
            BootstrapServers = cluster.BootstrapServers, Namespace = "tests", Experiment = experiment, Service = service,
            // A consumer that vanishes without leaving the group is noticed in seconds, not the default 45.
            ConsumerSettings = new Dictionary<string, string> { ["session.timeout.ms"] = "6000" },
        };
        return KafkaBus.ConnectAsync(options, new AutoCreateTopicProvisioner(cluster.BootstrapServers)).GetAwaiter().GetResult();
    }

    [Fact]
    public void TopicSpecs_AreQualifiedPerExperimentAndPolicyIsCompacted()
    {
        var options = new KafkaBusOptions { BootstrapServers = "b:9092", Namespace = "team-a", Experiment = "quickstart" };

        var specs = KafkaBus.TopicSpecs(options);

        Assert.Contains(new TopicSpec("team-a.quickstart.prompts", false), specs);
        Assert.Contains(new TopicSpec("team-a.quickstart.dlq", false), specs);
        Assert.Equal("team-a.quickstart.policy", Assert.Single(specs, s => s.Compacted).Name);
        Assert.Equal(6, specs.Count);
    }

    [Fact]
    public async Task Dispose_FlushesWhatWasProduced_ForTheNextProcess()
    {
        var experiment = NewExperiment();
        using (var writer = Connect(experiment))
        {
            _ = writer.Producer(Topics.Policy).ProduceAsync("e", new PolicyVersion { Version = 7 });
        }

        using var reader = Connect(experiment);
        using var consumer = reader.Consumer(Topics.Policy, "evaluator");

        Assert.Equal(7, (await consumer.ConsumeAsync(Patience))!.Message.Version);
    }

    [Fact]
    public async Task Experiments_DoNotSeeEachOthersMessages()
    {
        using var one = Connect(NewExperiment());
        using var other = Connect(NewExperiment());
        await one.Producer(Topics.Prompts).ProduceAsync("a", Request("a"));
        using var consumer = other.Consumer(Topics.Prompts, "rollout");

        Assert.Null(await consumer.ConsumeAsync(Quiet));
    }
}
