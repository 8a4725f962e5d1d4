using Pipeline.Bus;
using Pipeline.Contracts.V1;

namespace Pipeline.Bus.Tests;

public class InMemoryBusTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(50);

    private static RolloutRequest Request(string id) => new() { GroupId = id, Prompt = $"prompt {id}", GroupSize = 4 };

    [Fact]
    public async Task Consume_ReturnsMessagesInOrderWithTheirKeys()
    {
        var bus = new InMemoryBus();
        var producer = bus.Producer(Topics.Prompts);
        await producer.ProduceAsync("a", Request("a"));
        await producer.ProduceAsync("b", Request("b"));
        using var consumer = bus.Consumer(Topics.Prompts, "rollout");

        var first = await consumer.ConsumeAsync(Short);
        var second = await consumer.ConsumeAsync(Short);

        Assert.Equal(("a", "prompt a", 0L), (first!.Key, first.Message.Prompt, first.Offset));
        Assert.Equal(("b", 1L), (second!.Key, second.Offset));
        Assert.Null(await consumer.ConsumeAsync(Short));
    }

    [Fact]
    public async Task Consume_Uncommitted_IsRedeliveredToTheNextConsumerOfTheGroup()
    {
        var bus = new InMemoryBus();
        await bus.Producer(Topics.Prompts).ProduceAsync("a", Request("a"));
        await bus.Producer(Topics.Prompts).ProduceAsync("b", Request("b"));
        using (var crashed = bus.Consumer(Topics.Prompts, "rollout"))
        {
            crashed.Commit((await crashed.ConsumeAsync(Short))!);
            _ = await crashed.ConsumeAsync(Short); // read "b", crash before committing
        }

        using var restarted = bus.Consumer(Topics.Prompts, "rollout");
        var redelivered = await restarted.ConsumeAsync(Short);

        Assert.Equal("b", redelivered!.Key);
    }

    [Fact]
    public async Task Groups_HaveIndependentOffsets()
    {
        var bus = new InMemoryBus();
        await bus.Producer(Topics.Prompts).ProduceAsync("a", Request("a"));
        using var one = bus.Consumer(Topics.Prompts, "rollout");
        one.Commit((await one.ConsumeAsync(Short))!);

        using var other = bus.Consumer(Topics.Prompts, "audit");

        Assert.Equal("a", (await other.ConsumeAsync(Short))!.Key);
        Assert.Equal(0, one.Lag);
        Assert.Equal(1, other.Lag);
    }

    [Fact]
    public async Task Consume_MalformedPayload_GoesToTheDeadLetterTopicAndIsSkipped()
    {
        var bus = new InMemoryBus { Service = "reward" };
        bus.PublishRaw(Topics.Scored.Name, "bad", [0xFF, 0xFF, 0xFF]);
        await bus.Producer(Topics.Scored).ProduceAsync("good", new ScoredGroup());
        using var consumer = bus.Consumer(Topics.Scored, "learner");

        var delivery = await consumer.ConsumeAsync(Short);

        var letter = Assert.Single(bus.ReadAll(Topics.DeadLetters));
        Assert.Equal("good", delivery!.Key);
        Assert.Equal(1, bus.DeadLettersWritten);
        Assert.Equal(("scored", "bad", "reward"), (letter.SourceTopic, letter.Key, letter.Service));
        Assert.StartsWith("cannot parse ScoredGroup", letter.Reason, StringComparison.Ordinal);
        Assert.Equal(3, letter.Payload.Length);
    }

    [Fact]
    public async Task Consume_WaitingConsumer_WakesOnPublish()
    {
        var bus = new InMemoryBus();
        using var consumer = bus.Consumer(Topics.Policy, "rollout");

        var waiting = consumer.ConsumeAsync(TimeSpan.FromSeconds(10));
        await bus.Producer(Topics.Policy).ProduceAsync("exp", new PolicyVersion { Version = 3 });
        var delivery = await waiting.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal(3, delivery!.Message.Version);
    }

    [Fact]
    public void Qualified_NamesTopicsPerExperiment()
    {
        Assert.Equal("team-a.quickstart.scored", Topics.Qualified("team-a", "quickstart", Topics.Scored.Name));
    }
}
