using Pipeline.Bus;

namespace Pipeline.Bus.Tests;

/// <summary>The bus contract on the embedded host's in-memory bus, plus what is specific to it.</summary>
public class InMemoryBusTests : BusContractTests
{
    protected override TimeSpan Patience => TimeSpan.FromMilliseconds(50);

    protected override TimeSpan Quiet => TimeSpan.FromMilliseconds(50);

    protected override IMessageBus CreateBus(string service) => new InMemoryBus { Service = service };

    protected override Task PublishRawAsync(IMessageBus bus, string topic, string key, byte[] payload)
    {
        ((InMemoryBus)bus).PublishRaw(topic, key, payload);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ReadAll_ParsesEveryMessageOfATopic()
    {
        var bus = new InMemoryBus();
        await bus.Producer(Topics.Prompts).ProduceAsync("a", Request("a"));

        Assert.Equal("a", Assert.Single(bus.ReadAll(Topics.Prompts)).GroupId);
    }

    [Fact]
    public void Qualified_NamesTopicsPerExperiment()
    {
        Assert.Equal("team-a.quickstart.scored", Topics.Qualified("team-a", "quickstart", Topics.Scored.Name));
    }
}
