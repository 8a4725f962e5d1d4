using Pipeline.Workers;

namespace Pipeline.Workers.Tests;

public class LearnerWorkerTests
{
    [Fact]
    public async Task OnPolicy_EveryTrainedGroupComesFromTheVersionBeingTrained()
    {
        using var harness = new LearnerHarness(steps: 5, promptsPerStep: 3, maxStaleness: 0, dynamicSampling: false);

        await harness.RunToEndAsync();

        Assert.Equal(5, harness.Trainer.Batches.Count);
        Assert.All(harness.Trainer.Batches, b => Assert.Equal(3, b.Groups.Count));
        Assert.All(harness.Trainer.Batches, b => Assert.All(b.Groups, g => Assert.Equal(b.Step - 1, g.Group.PolicyVersion)));
        Assert.Equal(15, harness.Requests.Count);
    }

    /// <summary>A consumer may ask the learner for a version (Learner.GetPolicy) the moment it reads the announcement,
    /// so the learner must know the version before it is on the topic (a distributed run once deadlocked on this).</summary>
    [Fact]
    public async Task EveryVersion_IsKnownToTheLearner_BeforeItIsAnnouncedOnTheTopic()
    {
        Pipeline.Bus.IConsumer<Pipeline.Contracts.V1.PolicyVersion>? probe = null;
        var onTopicAlready = new List<(long Version, bool Seen)>();
        var seen = new HashSet<long>();
        using var harness = new LearnerHarness(steps: 3, promptsPerStep: 2, maxStaleness: 0, dynamicSampling: false, announcing: policy =>
        {
            while (probe!.ConsumeAsync(TimeSpan.Zero).GetAwaiter().GetResult() is { } d) seen.Add(d.Message.Version);
            onTopicAlready.Add((policy.Version, seen.Contains(policy.Version)));
        });
        probe = harness.Bus.Consumer(Pipeline.Bus.Topics.Policy, "probe");

        await harness.RunToEndAsync();

        Assert.Equal([0L, 1, 2, 3], onTopicAlready.Select(a => a.Version));
        Assert.All(onTopicAlready, a => Assert.False(a.Seen, $"version {a.Version} was on the topic before the learner knew it"));
    }

    [Fact]
    public async Task Staleness_KeepsPromptsInFlightAndNeverTrainsOlderThanAllowed()
    {
        using var harness = new LearnerHarness(steps: 6, promptsPerStep: 2, maxStaleness: 2, dynamicSampling: false);

        await harness.Learner.StartAsync();
        var inFlightAtStart = harness.Bus.Consumer(Pipeline.Bus.Topics.Prompts, "count").Lag;
        for (var i = 0; i < 100 && !harness.Learner.Done; i++) await harness.PumpAsync();

        Assert.Equal(6, inFlightAtStart); // (maxStaleness + 1) steps × 2 prompts
        Assert.All(harness.Trainer.Batches, b => Assert.All(b.Groups, g => Assert.InRange(b.Step - 1 - g.Group.PolicyVersion, 0, 2)));
        Assert.Contains(harness.Trainer.Batches, b => b.Groups.Any(g => g.Group.PolicyVersion < b.Step - 1));
    }

    [Fact]
    public async Task Staleness_GroupsOlderThanAllowed_AreDroppedCountedAndReplaced()
    {
        using var harness = new LearnerHarness(steps: 4, promptsPerStep: 2, maxStaleness: 0, dynamicSampling: false);
        var answered = 0;
        harness.VersionLag = _ => answered++ % 3 == 2 ? 1 : 0; // every third group comes from the previous version

        await harness.RunToEndAsync();

        Assert.Equal(4, harness.Trainer.Batches.Count);
        Assert.All(harness.Trainer.Batches, b => Assert.All(b.Groups, g => Assert.Equal(b.Step - 1, g.Group.PolicyVersion)));
        Assert.True(harness.Metrics.Sum(m => m["dropped_stale"]!.Value) >= 2);
        Assert.Equal(8 + harness.Metrics.Sum(m => m["dropped_stale"]!.Value), harness.Requests.Count);
    }

    [Fact]
    public async Task RestartedLearner_GroupFromAVersionItNoLongerHas_IsDroppedCountedAndAskedForAgain()
    {
        using var harness = new LearnerHarness(steps: 3, promptsPerStep: 2, maxStaleness: 0, dynamicSampling: false);
        var answered = 0;
        // The first two answers come from a version newer than the learner's: made before it restarted from an
        // older checkpoint, by a rollout worker that had not yet seen the learner's new announcement.
        harness.VersionLag = _ => answered++ < 2 ? -1 : 0;

        await harness.RunToEndAsync();

        Assert.True(harness.Learner.Done);
        Assert.All(harness.Trainer.Batches, b => Assert.All(b.Groups, g => Assert.Equal(b.Step - 1, g.Group.PolicyVersion)));
        Assert.Equal(2, harness.Metrics.Sum(m => m["dropped_previous_run"]!.Value));
        Assert.Equal(6 + 2, harness.Requests.Count);
    }

    [Fact]
    public async Task DynamicSampling_DropsZeroVarianceGroupsAndFillsTheBatch()
    {
        using var harness = new LearnerHarness(steps: 3, promptsPerStep: 4, maxStaleness: 0, dynamicSampling: true);
        var answered = 0;
        harness.Rewards = _ => answered++ % 2 == 0 ? [0, 0, 0, 0] : [1, 0, 1, 0];

        await harness.RunToEndAsync();

        Assert.All(harness.Trainer.Batches, b => Assert.Equal(4, b.Groups.Count));
        Assert.All(harness.Trainer.Batches, b => Assert.All(b.Groups, g => Assert.False(BatchMetrics.IsZeroVariance(g))));
        Assert.Equal(12, harness.Metrics.Sum(m => m["dropped_zero_variance"]!.Value));
        Assert.Equal(24, harness.Requests.Count);
        Assert.All(harness.Metrics, m => Assert.Equal(0.5, m["zero_variance_fraction"]));
    }

    [Fact]
    public async Task Redelivery_DuplicateGroupsAreCountedNotTrainedTwice()
    {
        using var harness = new LearnerHarness(steps: 2, promptsPerStep: 3, maxStaleness: 0, dynamicSampling: false);
        await harness.Learner.StartAsync();

        for (var i = 0; i < 10 && !harness.Learner.Done; i++) await harness.PumpAsync(duplicate: true);

        var trainedIds = harness.Trainer.Batches.SelectMany(b => b.Groups.Select(g => g.Group.Request.GroupId)).ToList();
        Assert.Equal(trainedIds.Count, trainedIds.Distinct().Count());
        Assert.Equal(6, harness.Metrics.Sum(m => m["duplicate_groups"]!.Value));
    }

    [Fact]
    public async Task Snapshot_ResumedLearnerIssuesTheSamePromptsAsAnUninterruptedOne()
    {
        using var full = new LearnerHarness(steps: 6, promptsPerStep: 3, maxStaleness: 1, dynamicSampling: false);
        await full.RunToEndAsync();

        using var first = new LearnerHarness(steps: 6, promptsPerStep: 3, maxStaleness: 1, dynamicSampling: false);
        await first.Learner.StartAsync();
        while (first.Learner.Step < 3) await first.PumpAsync();
        var state = first.Learner.Snapshot();
        using var resumed = new LearnerHarness(steps: 6, promptsPerStep: 3, maxStaleness: 1, dynamicSampling: false, resume: state);
        await resumed.RunToEndAsync();

        var trainedFull = full.Trainer.Batches.SelectMany(b => b.Groups).Select(g => g.Group.Request.ProblemId).Order();
        var trainedSplit = first.Trainer.Batches.Concat(resumed.Trainer.Batches).SelectMany(b => b.Groups).Select(g => g.Group.Request.ProblemId).Order();
        Assert.Equal(3, state.Step);
        Assert.Equal(trainedFull, trainedSplit);
    }
}
