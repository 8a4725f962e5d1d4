using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Pipeline.Contracts.V1;

namespace Pipeline.Bus.Tests;

/// <summary>
/// The contract of <see cref="IMessageBus"/>, run against every implementation: the Kafka bus is held to exactly what
/// the in-memory bus does, so a worker tested in the embedded host behaves the same in the cluster.
/// </summary>
public abstract class BusContractTests : IDisposable
{
    private readonly List<IMessageBus> _buses = [];

    /// <summary>How long to wait for a message that is there (Kafka: group join and fetch take a moment).</summary>
    protected abstract TimeSpan Patience { get; }

    /// <summary>How long to wait before concluding that no message is coming.</summary>
    protected abstract TimeSpan Quiet { get; }

    protected abstract IMessageBus CreateBus(string service);

    /// <summary>Puts bytes on a topic as a misbehaving producer might.</summary>
    protected abstract Task PublishRawAsync(IMessageBus bus, string topic, string key, byte[] payload);

    protected IMessageBus NewBus(string service = "embedded")
    {
        var bus = CreateBus(service);
        _buses.Add(bus);
        return bus;
    }

    public void Dispose()
    {
        foreach (var bus in _buses) (bus as IDisposable)?.Dispose();
        GC.SuppressFinalize(this);
    }

    protected static RolloutRequest Request(string id) => new() { GroupId = id, Prompt = $"prompt {id}", GroupSize = 4 };

    [Fact]
    public async Task Consume_ReturnsMessagesOfAKeyInOrder()
    {
        var bus = NewBus();
        var producer = bus.Producer(Topics.Prompts);
        await producer.ProduceAsync("g", Request("a"));
        await producer.ProduceAsync("g", Request("b"));
        using var consumer = bus.Consumer(Topics.Prompts, "rollout");

        var first = await consumer.ConsumeAsync(Patience);
        var second = await consumer.ConsumeAsync(Patience);

        Assert.Equal(("prompts", "g", "prompt a", 0L), (first!.Topic, first.Key, first.Message.Prompt, first.Offset));
        Assert.Equal(("g", "prompt b", 1L, first.Partition), (second!.Key, second.Message.Prompt, second.Offset, second.Partition));
        Assert.Null(await consumer.ConsumeAsync(Quiet));
    }

    [Fact]
    public async Task Consume_PreservesKeys()
    {
        var bus = NewBus();
        string[] keys = ["group-1", "group-2", "group-3", "group-4"];
        foreach (var key in keys) await bus.Producer(Topics.Prompts).ProduceAsync(key, Request(key));
        using var consumer = bus.Consumer(Topics.Prompts, "rollout");

        var received = new List<(string, string)>();
        for (var i = 0; i < keys.Length; i++)
        {
            var delivery = await consumer.ConsumeAsync(Patience);
            received.Add((delivery!.Key, delivery.Message.GroupId));
        }

        // Different keys may live on different partitions: order across keys is not part of the contract.
        Assert.Equal(keys.Select(k => (k, k)).Order(), received.Order());
    }

    [Fact]
    public async Task RoundTrip_EveryMessageKind()
    {
        var bus = NewBus();
        var request = new RolloutRequest
        {
            Experiment = "e", GroupId = "g1", Step = 3, PolicyVersion = 2, ProblemId = "p", Prompt = "2+2? \\boxed{}",
            PromptTokenIds = { 1, 2, 3 }, GoldAnswer = "4", GroupSize = 2, Sampling = new SamplingParams(),
        };
        var group = new RolloutGroup
        {
            Request = request, PolicyVersion = 2, Worker = "w",
            Completions = { new Completion { TokenIds = { 5, 6 }, Logprobs = { -0.5f, -1.25f }, Text = "4", FinishReason = FinishReason.Stop } },
        };
        var scored = new ScoredGroup { Group = group, Scores = { new CompletionScore { Correct = true, Extracted = "4", Reward = 1, Trains = true } } };
        var policy = new PolicyVersion { Experiment = "e", Version = 3, Step = 3, CheckpointUri = "memory://v3", Created = Timestamp.FromDateTime(DateTime.UnixEpoch) };
        var eval = new EvalResult { Experiment = "e", PolicyVersion = 3, Dataset = "arith-test", Budgets = { new BudgetMetrics { Budget = 128, PassAtK = 0.5 } } };

        await AssertRoundTrip(bus, Topics.Prompts, "g1", request);
        await AssertRoundTrip(bus, Topics.Rollouts, "g1", group);
        await AssertRoundTrip(bus, Topics.Scored, "g1", scored);
        await AssertRoundTrip(bus, Topics.Policy, "e", policy);
        await AssertRoundTrip(bus, Topics.Eval, "3", eval);
    }

    private async Task AssertRoundTrip<T>(IMessageBus bus, Topic<T> topic, string key, T message) where T : IMessage<T>
    {
        await bus.Producer(topic).ProduceAsync(key, message);
        using var consumer = bus.Consumer(topic, "reader");
        var delivery = await consumer.ConsumeAsync(Patience);
        Assert.Equal((topic.Name, key, message), (delivery!.Topic, delivery.Key, delivery.Message));
    }

    [Fact]
    public async Task Consume_Uncommitted_IsRedeliveredToTheNextConsumerOfTheGroup()
    {
        var bus = NewBus();
        await bus.Producer(Topics.Prompts).ProduceAsync("a", Request("a"));
        await bus.Producer(Topics.Prompts).ProduceAsync("b", Request("b"));
        Delivery<RolloutRequest> committed, uncommitted;
        using (var crashed = bus.Consumer(Topics.Prompts, "rollout"))
        {
            committed = (await crashed.ConsumeAsync(Patience))!;
            crashed.Commit(committed);
            uncommitted = (await crashed.ConsumeAsync(Patience))!; // crash before committing
        }

        using var restarted = bus.Consumer(Topics.Prompts, "rollout");
        var redelivered = await restarted.ConsumeAsync(Patience);

        Assert.Equal(uncommitted.Key, redelivered!.Key);
        Assert.NotEqual(committed.Key, redelivered.Key);
        Assert.Null(await restarted.ConsumeAsync(Quiet));
    }

    [Fact]
    public async Task Consume_Committed_IsNotRedeliveredAfterRestart()
    {
        var bus = NewBus();
        await bus.Producer(Topics.Scored).ProduceAsync("a", new ScoredGroup { ScoringSeconds = 1 });
        using (var first = bus.Consumer(Topics.Scored, "learner"))
        {
            first.Commit((await first.ConsumeAsync(Patience))!);
        }

        using var restarted = bus.Consumer(Topics.Scored, "learner");

        Assert.Null(await restarted.ConsumeAsync(Quiet));
        Assert.Equal(0, restarted.Lag);
    }

    [Fact]
    public async Task Groups_HaveIndependentOffsets()
    {
        var bus = NewBus();
        await bus.Producer(Topics.Prompts).ProduceAsync("a", Request("a"));
        using var one = bus.Consumer(Topics.Prompts, "rollout");
        one.Commit((await one.ConsumeAsync(Patience))!);

        using var other = bus.Consumer(Topics.Prompts, "audit");

        Assert.Equal("a", (await other.ConsumeAsync(Patience))!.Key);
        Assert.Equal(0, one.Lag);
        Assert.Equal(1, other.Lag);
    }

    [Fact]
    public async Task Consume_MalformedPayload_GoesToTheDeadLetterTopicAndIsSkipped()
    {
        var bus = NewBus("reward");
        // One key, one partition: the bad record comes before the good one.
        await PublishRawAsync(bus, Topics.Scored.Name, "g", [0xFF, 0xFF, 0xFF]);
        await bus.Producer(Topics.Scored).ProduceAsync("g", new ScoredGroup { ScoringSeconds = 2 });
        using var consumer = bus.Consumer(Topics.Scored, "learner");

        var delivery = await consumer.ConsumeAsync(Patience);

        Assert.Equal(("g", 2.0, 1L), (delivery!.Key, delivery.Message.ScoringSeconds, delivery.Offset));
        Assert.Equal(1, bus.DeadLettersWritten);
        using var inspector = bus.Consumer(Topics.DeadLetters, "inspect");
        var letter = (await inspector.ConsumeAsync(Patience))!.Message;
        Assert.Null(await inspector.ConsumeAsync(Quiet));
        Assert.Equal(("scored", "g", "reward"), (letter.SourceTopic, letter.Key, letter.Service));
        Assert.StartsWith("cannot parse ScoredGroup", letter.Reason, StringComparison.Ordinal);
        Assert.Equal(3, letter.Payload.Length);
    }

    [Fact]
    public async Task Consume_MalformedPayload_IsNotCommittedPastAMessageStillInProcessing()
    {
        var bus = NewBus();
        await bus.Producer(Topics.Scored).ProduceAsync("g", new ScoredGroup { ScoringSeconds = 1 });
        await PublishRawAsync(bus, Topics.Scored.Name, "g", [0xFF, 0xFF, 0xFF]);
        await bus.Producer(Topics.Scored).ProduceAsync("g", new ScoredGroup { ScoringSeconds = 3 });
        using (var crashed = bus.Consumer(Topics.Scored, "learner"))
        {
            Assert.Equal(0, (await crashed.ConsumeAsync(Patience))!.Offset); // in processing, never committed
            Assert.Equal(2, (await crashed.ConsumeAsync(Patience))!.Offset); // skips the bad record at 1
        }

        using var restarted = bus.Consumer(Topics.Scored, "learner");
        var redelivered = await restarted.ConsumeAsync(Patience);

        Assert.Equal((0L, 1.0), (redelivered!.Offset, redelivered.Message.ScoringSeconds));
    }

    [Fact]
    public async Task Consume_WaitingConsumer_WakesOnPublish()
    {
        var bus = NewBus();
        using var consumer = bus.Consumer(Topics.Policy, "rollout");

        var waiting = consumer.ConsumeAsync(TimeSpan.FromSeconds(10));
        await bus.Producer(Topics.Policy).ProduceAsync("exp", new PolicyVersion { Version = 3 });
        var delivery = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(3, delivery!.Message.Version);
    }
}
