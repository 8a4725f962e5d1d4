using Pipeline.Bus;
using Pipeline.Contracts.V1;
using Pipeline.Core.Spec;
using Pipeline.Model;
using Pipeline.Model.Qwen3;
using Pipeline.Workers;
using Pipeline.Workers.Policy;

namespace Pipeline.Workers.Tests;

public class StageWorkerTests
{
    private static ExperimentSpec QuickstartSpec() =>
        SpecLoader.LoadFile(RepoPaths.InRepo("examples/quickstart.yaml")).GetValidOrThrow("quickstart").Spec;

    private static RolloutGroup Group(string id, params (string Text, int Length, bool Finished)[] completions)
    {
        var group = new RolloutGroup
        {
            Request = new RolloutRequest { GroupId = id, GoldAnswer = "12", GroupSize = completions.Length, Step = 1 },
            PolicyVersion = 3,
        };
        foreach (var (text, length, finished) in completions)
        {
            var c = new Completion { Text = text, FinishReason = finished ? FinishReason.Stop : FinishReason.Length };
            c.TokenIds.AddRange(Enumerable.Repeat(5, length));
            c.Logprobs.AddRange(Enumerable.Repeat(-0.5f, length));
            group.Completions.Add(c);
        }
        return group;
    }

    [Fact]
    public async Task RewardWorker_ScoresGroupsWithTheSpecsRewardStage()
    {
        var bus = new InMemoryBus();
        using var worker = new RewardWorker(bus, QuickstartSpec());
        await bus.Producer(Topics.Rollouts).ProduceAsync("g1", Group("g1", ("\\boxed{12}", 40, true), ("\\boxed{12}", 128, false), ("\\boxed{13}", 30, true)));

        await worker.ProcessAvailableAsync();

        var scored = Assert.Single(bus.ReadAll(Topics.Scored));
        Assert.Equal([true, true, false], scored.Scores.Select(s => s.Correct));
        Assert.Equal([1.0, 0, 0], scored.Scores.Select(s => s.Reward));   // truncation: the cut correct answer earns 0
        Assert.Equal(3, scored.Group.PolicyVersion);
        Assert.True(scored.Scores[0].Advantage > 0 && scored.Scores[1].Advantage < 0);
    }

    [Fact]
    public async Task RewardWorker_InconsistentGroup_GoesToTheDeadLetterTopic()
    {
        var bus = new InMemoryBus();
        using var worker = new RewardWorker(bus, QuickstartSpec());
        var broken = Group("g2", ("\\boxed{12}", 4, true));
        broken.Completions[0].Logprobs.RemoveAt(0);
        await bus.Producer(Topics.Rollouts).ProduceAsync("g2", broken);
        await bus.Producer(Topics.Rollouts).ProduceAsync("g3", Group("g3", ("\\boxed{12}", 4, true), ("no", 2, true)));

        await worker.ProcessAvailableAsync();

        var letter = Assert.Single(bus.ReadAll(Topics.DeadLetters));
        Assert.Equal(("rollouts", "g2"), (letter.SourceTopic, letter.Key));
        Assert.Equal("completion 0 has 4 tokens but 3 logprobs", letter.Reason);
        Assert.Equal("g3", Assert.Single(bus.ReadAll(Topics.Scored)).Group.Request.GroupId);
        Assert.Equal(1, worker.DeadLettered);
    }

    [Fact]
    public async Task RolloutWorker_AnswersWithTheAnnouncedVersionAndWholeGroups()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"pipeline-rollout-{Guid.NewGuid():N}");
        TinyModelFolder.Write(folder, seed: 5);
        using var loaded = ModelFolder.Load(folder);
        var bus = new InMemoryBus();
        using var store = new InMemoryPolicyStore();
        using var worker = new RolloutWorker(bus, TinyQwen3.Create(9, loaded.Config), loaded.Tokenizer, loaded.EosTokenIds, store);
        var request = new RolloutRequest
        {
            GroupId = "g1", GroupSize = 3, PolicyVersion = 2, GoldAnswer = "1",
            Sampling = new SamplingParams { Temperature = 1, TopP = 1, MaxTokens = 6, Seed = 42 },
        };
        request.PromptTokenIds.AddRange(loaded.Tokenizer.Encode("the answer is"));
        await bus.Producer(Topics.Prompts).ProduceAsync("g1", request);

        var beforeVersion = await worker.ProcessAvailableAsync();
        await bus.Producer(Topics.Policy).ProduceAsync("exp", store.Publish(loaded.Model, "exp", version: 2, step: 2));
        var afterVersion = await worker.ProcessAvailableAsync();

        var group = Assert.Single(bus.ReadAll(Topics.Rollouts));
        Assert.Equal((0, 1), (beforeVersion, afterVersion));   // waited for version 2 before generating
        Assert.Equal(2, group.PolicyVersion);
        Assert.Equal(3, group.Completions.Count);
        Assert.All(group.Completions, c => Assert.Equal(c.TokenIds.Count, c.Logprobs.Count));
        Assert.All(group.Completions, c => Assert.InRange(c.TokenIds.Count, 1, 6));
    }
}
