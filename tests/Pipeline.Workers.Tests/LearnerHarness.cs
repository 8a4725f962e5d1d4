using Pipeline.Bus;
using Pipeline.Contracts.V1;
using Pipeline.Core.Spec;
using Pipeline.Core.Tasks;
using Pipeline.Core.Tasks.Arith;
using Pipeline.Model.Qwen3;
using Pipeline.Model.Tokenization;
using Pipeline.Workers;
using Pipeline.Workers.Policy;

namespace Pipeline.Workers.Tests;

/// <summary>Records what the learner trained on; trains nothing.</summary>
internal sealed class RecordingTrainer : IPolicyTrainer
{
    public List<(int Step, IReadOnlyList<ScoredGroup> Groups)> Batches { get; } = [];

    public IReadOnlyDictionary<string, double> Train(IReadOnlyList<ScoredGroup> groups, int step)
    {
        Batches.Add((step, groups));
        return new Dictionary<string, double> { ["loss"] = 0 };
    }

    public void SaveState(string folder) { }
    public void LoadState(string folder) { }
}

/// <summary>
/// A learner over the in-memory bus with a scripted stand-in for rollout + reward: every request is answered with
/// a scored group whose rewards come from <see cref="Rewards"/>, produced by the newest announced policy version.
/// </summary>
internal sealed class LearnerHarness : IDisposable
{
    private static readonly string TokenizerFolder = CreateTokenizerFolder();
    private readonly IConsumer<RolloutRequest> _requests;
    private readonly IConsumer<PolicyVersion> _versions;
    private readonly IProducer<ScoredGroup> _scored;
    private readonly InMemoryPolicyStore _store = new();
    private readonly Qwen3ForCausalLM _policy = TinyQwen3.Create(1);

    public LearnerHarness(int steps, int promptsPerStep, int maxStaleness, bool dynamicSampling, LearnerState? resume = null,
        InMemoryBus? bus = null, Action<PolicyVersion>? announcing = null)
    {
        Bus = bus ?? new InMemoryBus();
        var problems = ArithTask.Problems("train", Difficulty.Easy, 200).Select(p => p.ToProblem()).ToList();
        Order = new PromptOrder(problems, seed: 3, cursor: resume?.Cursor ?? 0);
        var prompting = new Prompting(QwenTokenizer.FromFolder(TokenizerFolder), PromptTemplate.Math);
        var options = new LearnerWorkerOptions("test", steps, promptsPerStep, GroupSize: 4, maxStaleness, dynamicSampling,
            new SamplingParams { Temperature = 1, TopP = 1, MaxTokens = 16 }, Seed: 3);
        Learner = new LearnerWorker(Bus, _store, _policy, Trainer, Order, prompting, options, resume) { Announcing = announcing };
        _requests = Bus.Consumer(Topics.Prompts, "scripted-rollout");
        _versions = Bus.Consumer(Topics.Policy, "scripted-rollout");
        _scored = Bus.Producer(Topics.Scored);
    }

    public InMemoryBus Bus { get; }
    public PromptOrder Order { get; }
    public LearnerWorker Learner { get; }
    public RecordingTrainer Trainer { get; } = new();
    public Func<RolloutRequest, double[]> Rewards { get; set; } = _ => [1, 0, 0, 0];

    /// <summary>How many versions behind the newest the scripted rollout answers a request (a slow replica; negative: a version from before a restart).</summary>
    public Func<RolloutRequest, int> VersionLag { get; set; } = _ => 0;
    public long Version { get; private set; }
    public List<RolloutRequest> Requests { get; } = [];
    public List<Dictionary<string, double?>> Metrics { get; } = [];

    /// <summary>Answers every pending request (at most <paramref name="maxAnswers"/>), then lets the learner work.</summary>
    public async Task PumpAsync(int maxAnswers = int.MaxValue, bool duplicate = false)
    {
        while (await _versions.ConsumeAsync(TimeSpan.Zero) is { } v) Version = v.Message.Version;
        for (var answered = 0; answered < maxAnswers && await _requests.ConsumeAsync(TimeSpan.Zero) is { } d; answered++)
        {
            Requests.Add(d.Message);
            var group = Answer(d.Message);
            await _scored.ProduceAsync(d.Key, group);
            if (duplicate) await _scored.ProduceAsync(d.Key, group);
            _requests.Commit(d);
        }
        if (await Learner.ProcessAvailableAsync() is { } metrics) Metrics.Add(metrics);
    }

    public async Task RunToEndAsync(int maxPumps = 1000)
    {
        await Learner.StartAsync();
        for (var i = 0; i < maxPumps && !Learner.Done; i++) await PumpAsync();
    }

    private ScoredGroup Answer(RolloutRequest request)
    {
        var rewards = Rewards(request);
        var group = new RolloutGroup { Request = request, PolicyVersion = Math.Max(0, Version - VersionLag(request)) };
        var scored = new ScoredGroup { Group = group };
        foreach (var reward in rewards)
        {
            var completion = new Completion { Text = "x", FinishReason = FinishReason.Stop };
            completion.TokenIds.Add(1);
            completion.Logprobs.Add(-1f);
            group.Completions.Add(completion);
            scored.Scores.Add(new CompletionScore { Correct = reward > 0, Reward = reward, Trains = true });
        }
        return scored;
    }

    private static string CreateTokenizerFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"pipeline-workers-tok-{Guid.NewGuid():N}");
        TokenizerFiles.Write(folder, TokenizerFiles.QwenStyle(["What", " is"]));
        return folder;
    }

    public void Dispose()
    {
        Learner.Dispose();
        _store.Dispose();
        _policy.Dispose();
    }
}
