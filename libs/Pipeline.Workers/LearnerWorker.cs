using System.Diagnostics;
using Pipeline.Bus;
using Pipeline.Contracts.V1;
using Pipeline.Model.Qwen3;
using Pipeline.Workers.Policy;

namespace Pipeline.Workers;

/// <summary>What the learner needs from the spec.</summary>
/// <param name="MaxStaleness">Groups produced by version v may train versions up to v + MaxStaleness (0 = on-policy).</param>
/// <param name="DynamicSampling">DAPO: drop groups whose rewards are all equal and ask for more prompts.</param>
public sealed record LearnerWorkerOptions(string Experiment, int Steps, int PromptsPerStep, int GroupSize, int MaxStaleness,
    bool DynamicSampling, SamplingParams Sampling, int Seed);

/// <summary>
/// The learner stage: issues prompts (<see cref="RolloutRequest"/>), collects <see cref="ScoredGroup"/>s, and when a
/// step's worth is ready runs one optimisation step through <see cref="IPolicyTrainer"/>, then publishes the new
/// policy version. It keeps enough prompts in flight for the allowed staleness (maxStaleness + 1 steps), drops
/// duplicates by group id (delivery is at-least-once), drops groups that became too stale before training, and with
/// dynamic sampling replaces zero-variance groups with fresh prompts. Every drop is counted in the step's metrics.
/// </summary>
public sealed class LearnerWorker : IDisposable
{
    private readonly IPolicyStore _policies;
    private readonly Qwen3ForCausalLM _policy;
    private readonly IPolicyTrainer _trainer;
    private readonly PromptOrder _stream;
    private readonly Prompting _prompting;
    private readonly LearnerWorkerOptions _options;
    private readonly IProducer<RolloutRequest> _prompts;
    private readonly IProducer<PolicyVersion> _policyUpdates;
    private readonly IConsumer<ScoredGroup> _scored;
    private readonly Dictionary<string, PendingPrompt> _outstanding = new(StringComparer.Ordinal);
    private readonly List<(ScoredGroup Group, PendingPrompt Prompt)> _accepted = [];
    private readonly Queue<PendingPrompt> _reissue;
    private readonly Dictionary<string, double> _drops = NewDrops();
    private readonly Stopwatch _sinceLastStep = new();

    public LearnerWorker(IMessageBus bus, IPolicyStore policies, Qwen3ForCausalLM policy, IPolicyTrainer trainer,
        PromptOrder stream, Prompting prompting, LearnerWorkerOptions options, LearnerState? resume = null)
    {
        (_policies, _policy, _trainer, _stream, _prompting, _options) = (policies, policy, trainer, stream, prompting, options);
        _prompts = bus.Producer(Topics.Prompts);
        _policyUpdates = bus.Producer(Topics.Policy);
        _scored = bus.Consumer(Topics.Scored, "learner");
        var state = resume ?? LearnerState.Initial;
        Step = state.Step;
        _reissue = new Queue<PendingPrompt>(state.Pending);
    }

    /// <summary>The groups of the last update, in training order.</summary>
    public IReadOnlyList<ScoredGroup> LastTrained { get; private set; } = [];

    /// <summary>Scored groups accepted and waiting for the next update.</summary>
    public int PendingGroups => _accepted.Count;

    /// <summary>Scored groups published and not yet taken (consumer lag; asks the broker).</summary>
    public long Lag => _scored.Lag;

    /// <summary>Prompts issued whose scored groups have not arrived yet.</summary>
    public int InFlight => _outstanding.Count;

    /// <summary>Optimisation steps done; also the current policy version.</summary>
    public int Step { get; private set; }

    public bool Done => Step >= _options.Steps;

    /// <summary>Announces the starting policy and issues the first prompts.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await PublishPolicyAsync(cancellationToken).ConfigureAwait(false);
        await TopUpAsync(cancellationToken).ConfigureAwait(false);
        _sinceLastStep.Restart();
    }

    /// <summary>Takes in the scored groups available now; trains one step when enough are ready (returns its metrics).</summary>
    public Task<Dictionary<string, double?>?> ProcessAvailableAsync(CancellationToken cancellationToken = default) =>
        ProcessAvailableAsync(TimeSpan.Zero, cancellationToken);

    /// <summary>As <see cref="ProcessAvailableAsync(CancellationToken)"/>, first waiting up to <paramref name="wait"/>
    /// for a scored group when none is there (the distributed host's loop).</summary>
    public async Task<Dictionary<string, double?>?> ProcessAvailableAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var timeout = wait;
        while (await _scored.ConsumeAsync(timeout, cancellationToken).ConfigureAwait(false) is { } delivery)
        {
            Accept(delivery.Message);
            _scored.Commit(delivery);
            timeout = TimeSpan.Zero;
        }
        DropStale();
        Dictionary<string, double?>? metrics = null;
        if (!Done && _accepted.Count >= _options.PromptsPerStep) metrics = await TrainAsync(cancellationToken).ConfigureAwait(false);
        await TopUpAsync(cancellationToken).ConfigureAwait(false);
        return metrics;
    }

    /// <summary>The data position to store in a checkpoint taken now.</summary>
    public LearnerState Snapshot() =>
        new(Step, _stream.Cursor, [.. _reissue, .. _accepted.Select(a => a.Prompt), .. _outstanding.Values.OrderBy(p => p.Position)]);

    private void Accept(ScoredGroup scored)
    {
        var id = scored.Group.Request.GroupId;
        // A version newer than ours was made before this learner restarted from an older checkpoint: those weights
        // are gone. A rollout worker may still have used them for a prompt we re-issued (it had not yet seen our
        // announcement), so an outstanding prompt is asked for again rather than waited on forever.
        if (scored.Group.PolicyVersion > Step)
        {
            _drops["dropped_previous_run"]++;
            if (_outstanding.Remove(id, out var again)) _reissue.Enqueue(again);
            return;
        }
        if (!_outstanding.Remove(id, out var prompt))
        {
            _drops["duplicate_groups"]++;
            return;
        }
        if (_options.DynamicSampling && BatchMetrics.IsZeroVariance(scored))
        {
            _drops["dropped_zero_variance"]++;
            return;
        }
        _accepted.Add((scored, prompt));
    }

    private void DropStale()
    {
        var stale = _accepted.RemoveAll(a => Step - a.Group.Group.PolicyVersion > _options.MaxStaleness);
        _drops["dropped_stale"] += stale;
    }

    private async Task<Dictionary<string, double?>> TrainAsync(CancellationToken cancellationToken)
    {
        // In the order the prompts were issued, not the order their groups arrived: the loss then sums in the same
        // order whatever process or timing delivered them, so the distributed host trains as the embedded one does.
        _accepted.Sort((x, y) => x.Prompt.Position.CompareTo(y.Prompt.Position));
        var batch = _accepted.Take(_options.PromptsPerStep).ToList();
        _accepted.RemoveRange(0, batch.Count);
        var groups = batch.Select(b => b.Group).ToList();
        LastTrained = groups;
        var metrics = BatchMetrics.Compute(groups, Step);
        var zeroVariance = groups.Count(BatchMetrics.IsZeroVariance) + _drops["dropped_zero_variance"];
        metrics["zero_variance_fraction"] = zeroVariance / (groups.Count + _drops["dropped_zero_variance"]);
        var watch = Stopwatch.StartNew();
        foreach (var (name, value) in _trainer.Train(groups, Step + 1)) metrics[name] = value;
        metrics["learner_seconds"] = watch.Elapsed.TotalSeconds;
        foreach (var (name, value) in _drops) metrics[name] = value;
        ResetDrops();
        Step++;
        await PublishPolicyAsync(cancellationToken).ConfigureAwait(false);
        metrics["step_seconds"] = _sinceLastStep.Elapsed.TotalSeconds;
        _sinceLastStep.Restart();
        var ordered = new Dictionary<string, double?> { ["step"] = Step, ["policy_version"] = Step };
        foreach (var (name, value) in metrics) ordered[name] = value;
        return ordered;
    }

    private async Task PublishPolicyAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        Policy = _policies.Publish(_policy, _options.Experiment, Step, Step);
        PublishSeconds = watch.Elapsed.TotalSeconds;
        // Before the announcement goes out: a consumer that reads it at once may ask this process for the version
        // (Learner.GetPolicy), which must already know it.
        Announcing?.Invoke(Policy);
        await _policyUpdates.ProduceAsync(_options.Experiment, Policy, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Told each new policy version after it is stored and before it is announced on the policy topic.</summary>
    public Action<PolicyVersion>? Announcing { get; init; }

    /// <summary>The last policy announcement (null before <see cref="StartAsync"/>).</summary>
    public PolicyVersion? Policy { get; private set; }

    /// <summary>Seconds the last policy publication took (weight sync, learner side).</summary>
    public double PublishSeconds { get; private set; }

    // Keeps prompts for (maxStaleness + 1) steps issued: on-policy, only the current step's.
    private async Task TopUpAsync(CancellationToken cancellationToken)
    {
        var remainingSteps = _options.Steps - Step;
        var wanted = Math.Min(_options.MaxStaleness + 1, remainingSteps) * _options.PromptsPerStep;
        while (_outstanding.Count + _accepted.Count < wanted)
        {
            var prompt = _reissue.Count > 0 ? _reissue.Dequeue() : Draw();
            await IssueAsync(prompt, cancellationToken).ConfigureAwait(false);
        }
    }

    private PendingPrompt Draw()
    {
        var (_, position) = _stream.Next();
        return new PendingPrompt($"s{Step + 1:D6}-p{position:D8}", position, Step + 1);
    }

    private async Task IssueAsync(PendingPrompt prompt, CancellationToken cancellationToken)
    {
        var problem = _stream.At(prompt.Position);
        var (text, ids) = _prompting.Encode(problem);
        var request = new RolloutRequest
        {
            Experiment = _options.Experiment, GroupId = prompt.GroupId, Step = prompt.Step, PolicyVersion = Step,
            ProblemId = problem.Id, Prompt = text, GoldAnswer = problem.Answer, GroupSize = _options.GroupSize,
            Sampling = _options.Sampling.Clone(),
        };
        request.Sampling.Seed = GroupSeed(prompt.GroupId);
        request.PromptTokenIds.AddRange(ids);
        _outstanding[prompt.GroupId] = prompt;
        await _prompts.ProduceAsync(prompt.GroupId, request, cancellationToken).ConfigureAwait(false);
    }

    // FNV-1a over (seed, group id): stable across processes, so a re-issued prompt samples the same way.
    private ulong GroupSeed(string groupId) =>
        $"{_options.Seed}/{groupId}".Aggregate(0xcbf29ce484222325UL, (h, c) => (h ^ c) * 0x100000001b3UL);

    private static Dictionary<string, double> NewDrops() => new(StringComparer.Ordinal)
    {
        ["dropped_zero_variance"] = 0, ["dropped_stale"] = 0, ["dropped_previous_run"] = 0, ["duplicate_groups"] = 0,
    };

    private void ResetDrops()
    {
        foreach (var key in _drops.Keys.ToList()) _drops[key] = 0;
    }

    public void Dispose() => _scored.Dispose();
}
