using System.Diagnostics;
using Pipeline.Bus;
using Pipeline.Contracts.V1;
using Pipeline.Model.Qwen3;
using Pipeline.Model.Tokenization;
using Pipeline.Workers.Policy;

namespace Pipeline.Workers;

/// <summary>Settings of one rollout worker.</summary>
/// <param name="Name">Names the worker in its groups' metadata and its policy subscription (one per replica).</param>
/// <param name="MaxGroupsPerBatch">Prompts generated together in one batch (each expands to group_size rows).</param>
public sealed record RolloutWorkerOptions(string Name = "rollout-0", int MaxGroupsPerBatch = 32);

/// <summary>
/// Answers <see cref="RolloutRequest"/>s: loads the newest announced policy version, samples group_size completions
/// per prompt with the KV-cache generator (several prompts per batch), and publishes one <see cref="RolloutGroup"/>
/// per prompt. Policy versions change only between batches, so a group is never produced by two versions, and each
/// group records the version that produced it. A request asking for a version not announced yet waits for it.
/// </summary>
public sealed class RolloutWorker : IDisposable
{
    private readonly IPolicyStore _policies;
    private readonly RolloutWorkerOptions _options;
    private readonly IConsumer<RolloutRequest> _prompts;
    private readonly IConsumer<PolicyVersion> _policyUpdates;
    private readonly IProducer<RolloutGroup> _rollouts;
    private readonly List<Delivery<RolloutRequest>> _pending = [];
    private PolicyVersion? _latest;
    private PolicyVersion? _loaded;

    public RolloutWorker(IMessageBus bus, Qwen3ForCausalLM model, QwenTokenizer tokenizer, IReadOnlyList<int> eosTokenIds,
        IPolicyStore policies, RolloutWorkerOptions? options = null)
        : this(bus, new RolloutSampler(model, tokenizer, eosTokenIds), policies, options)
    {
    }

    /// <summary>A worker sharing <paramref name="sampler"/> (and its model) with direct gRPC calls.</summary>
    public RolloutWorker(IMessageBus bus, RolloutSampler sampler, IPolicyStore policies, RolloutWorkerOptions? options = null)
    {
        (Sampler, _policies) = (sampler, policies);
        _options = options ?? new RolloutWorkerOptions();
        _prompts = bus.Consumer(Topics.Prompts, "rollout");
        _policyUpdates = bus.Consumer(Topics.Policy, _options.Name);
        _rollouts = bus.Producer(Topics.Rollouts);
    }

    public RolloutSampler Sampler { get; }

    /// <summary>The policy version currently loaded (−1 before the first announcement).</summary>
    public long PolicyVersion => Sampler.PolicyVersion;

    /// <summary>Tokens generated so far.</summary>
    public long GeneratedTokens { get; private set; }

    /// <summary>Requests taken from the topic and not yet answered.</summary>
    public int PendingRequests => _pending.Count;

    /// <summary>Told why an announced version could not be loaded (retired or replaced before this worker got to it).</summary>
    public Action<string>? PolicyLoadFailed { get; init; }

    /// <summary>Told the seconds each weight load took (metrics).</summary>
    public Action<double>? WeightSyncSeconds { get; init; }

    /// <summary>Told (groups, completions, tokens, seconds) after each generated batch (metrics).</summary>
    public Action<int, int, long, double>? BatchGenerated { get; init; }

    /// <summary>Generates for every request available now; returns the number of groups published.</summary>
    public async Task<int> ProcessAvailableAsync(CancellationToken cancellationToken = default)
    {
        await PullAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        var produced = 0;
        while (true)
        {
            var first = _pending.FirstOrDefault(d => d.Message.PolicyVersion <= PolicyVersion);
            if (first is null) return produced;
            var ready = _pending.Where(d => d.Message.PolicyVersion <= PolicyVersion && RolloutSampler.SameSampling(d.Message, first.Message))
                .Take(_options.MaxGroupsPerBatch).ToList();
            produced += await GenerateAsync(ready, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One turn of the distributed host's loop: waits up to <paramref name="wait"/> for requests, then answers what it can.</summary>
    public async Task RunOnceAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        await PullAsync(wait, cancellationToken).ConfigureAwait(false);
        await ProcessAvailableAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Prompts published and not yet answered by the rollout group (asks the broker).</summary>
    public long Lag => _prompts.Lag;

    private async Task PullAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        // The newest announcement in topic order wins, not the highest number: a learner restarted from an older
        // checkpoint announces lower versions again, and the higher ones it had announced are gone. Announcements
        // are never committed, so a restarted worker reads them all again and starts from the current one.
        while (await _policyUpdates.ConsumeAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false) is { } update)
            _latest = update.Message;
        if (_latest is not null && !ReferenceEquals(_latest, _loaded))
        {
            var watch = Stopwatch.StartNew();
            try
            {
                var announced = _latest;
                Sampler.Load(announced.Version, model => _policies.LoadInto(announced, model));
                WeightSyncSeconds?.Invoke(watch.Elapsed.TotalSeconds);
                _loaded = _latest;
            }
            catch (InvalidDataException e)
            {
                // Replaced or retired since it was announced (a newer announcement follows): keep the weights we have.
                PolicyLoadFailed?.Invoke(e.Message);
                _loaded = _latest;
            }
            catch (IOException e)
            {
                // The weights could not be read now (the learner unreachable, the volume failing): keep the weights we
                // have and try the same announcement again on the next pull.
                PolicyLoadFailed?.Invoke(e.Message);
            }
        }
        var timeout = wait;
        while (await _prompts.ConsumeAsync(timeout, cancellationToken).ConfigureAwait(false) is { } request)
        {
            _pending.Add(request);
            timeout = TimeSpan.Zero;
        }
    }

    private async Task<int> GenerateAsync(List<Delivery<RolloutRequest>> batch, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var (groups, version) = Sampler.Generate(batch.Select(d => d.Message).ToList());
        BatchGenerated?.Invoke(batch.Count, groups.Sum(g => g.Count), groups.Sum(g => g.Sum(c => (long)c.TokenIds.Count)), watch.Elapsed.TotalSeconds);
        var seconds = watch.Elapsed.TotalSeconds / batch.Count;
        for (var i = 0; i < batch.Count; i++)
        {
            var delivery = batch[i];
            var group = new RolloutGroup { Request = delivery.Message, PolicyVersion = version, Worker = _options.Name, GenerationSeconds = seconds };
            group.Completions.AddRange(groups[i]);
            GeneratedTokens += group.Completions.Sum(c => c.TokenIds.Count);
            await _rollouts.ProduceAsync(delivery.Message.GroupId, group, cancellationToken).ConfigureAwait(false);
            _prompts.Commit(delivery);
            _pending.Remove(delivery);
        }
        return batch.Count;
    }

    public void Dispose()
    {
        _prompts.Dispose();
        _policyUpdates.Dispose();
    }
}
