using System.Diagnostics;
using Pipeline.Bus;
using Pipeline.Contracts.V1;
using Pipeline.Model.Generation;
using Pipeline.Model.Qwen3;
using Pipeline.Model.Tokenization;
using Pipeline.Workers.Policy;
using ModelFinishReason = Pipeline.Model.Generation.FinishReason;

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
    private readonly Qwen3ForCausalLM _model;
    private readonly QwenTokenizer _tokenizer;
    private readonly IReadOnlyList<int> _eosTokenIds;
    private readonly IPolicyStore _policies;
    private readonly RolloutWorkerOptions _options;
    private readonly IConsumer<RolloutRequest> _prompts;
    private readonly IConsumer<PolicyVersion> _policyUpdates;
    private readonly IProducer<RolloutGroup> _rollouts;
    private readonly List<Delivery<RolloutRequest>> _pending = [];
    private PolicyVersion? _latest;

    public RolloutWorker(IMessageBus bus, Qwen3ForCausalLM model, QwenTokenizer tokenizer, IReadOnlyList<int> eosTokenIds,
        IPolicyStore policies, RolloutWorkerOptions? options = null)
    {
        (_model, _tokenizer, _eosTokenIds, _policies) = (model, tokenizer, eosTokenIds, policies);
        _options = options ?? new RolloutWorkerOptions();
        _prompts = bus.Consumer(Topics.Prompts, "rollout");
        _policyUpdates = bus.Consumer(Topics.Policy, _options.Name);
        _rollouts = bus.Producer(Topics.Rollouts);
    }

    /// <summary>The policy version currently loaded (−1 before the first announcement).</summary>
    public long PolicyVersion { get; private set; } = -1;

    /// <summary>Tokens generated so far.</summary>
    public long GeneratedTokens { get; private set; }

    /// <summary>Generates for every request available now; returns the number of groups published.</summary>
    public async Task<int> ProcessAvailableAsync(CancellationToken cancellationToken = default)
    {
        await PullAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        var produced = 0;
        while (true)
        {
            var first = _pending.FirstOrDefault(d => d.Message.PolicyVersion <= PolicyVersion);
            if (first is null) return produced;
            var ready = _pending.Where(d => d.Message.PolicyVersion <= PolicyVersion && SameSampling(d.Message, first.Message))
                .Take(_options.MaxGroupsPerBatch).ToList();
            produced += await GenerateAsync(ready, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The distributed host's loop: wait for requests, generate, repeat until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await PullAsync(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
            await ProcessAvailableAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task PullAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        while (await _policyUpdates.ConsumeAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false) is { } update)
        {
            if (_latest is null || update.Message.Version > _latest.Version) _latest = update.Message;
            _policyUpdates.Commit(update);
        }
        if (_latest is not null && _latest.Version != PolicyVersion)
        {
            _policies.LoadInto(_latest, _model);
            PolicyVersion = _latest.Version;
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
        var requests = batch.SelectMany(d => Enumerable.Repeat(
            new GenerationRequest(d.Message.PromptTokenIds, d.Message.Sampling.MaxTokens), d.Message.GroupSize)).ToList();
        var sampling = batch[0].Message.Sampling;
        var options = new GenerationOptions
        {
            Sampling = new SamplingOptions { Temperature = (float)sampling.Temperature, TopP = (float)sampling.TopP, TopK = sampling.TopK },
            EosTokenIds = _eosTokenIds,
            StopStrings = [.. sampling.Stop],
            Decode = ids => _tokenizer.Decode(ids, skipSpecialTokens: true),
            // One batch, one generator: its seed combines the groups' seeds, so the same requests give the same rollouts.
            Seed = batch.Aggregate(0xcbf29ce484222325UL, (h, d) => (h ^ d.Message.Sampling.Seed) * 0x100000001b3UL),
        };
        var results = BatchGenerator.Generate(_model, requests, options);
        var seconds = watch.Elapsed.TotalSeconds / batch.Count;
        var offset = 0;
        foreach (var delivery in batch)
        {
            var group = new RolloutGroup { Request = delivery.Message, PolicyVersion = PolicyVersion, Worker = _options.Name, GenerationSeconds = seconds };
            foreach (var result in results.Skip(offset).Take(delivery.Message.GroupSize)) group.Completions.Add(ToCompletion(result));
            offset += delivery.Message.GroupSize;
            GeneratedTokens += group.Completions.Sum(c => c.TokenIds.Count);
            await _rollouts.ProduceAsync(delivery.Message.GroupId, group, cancellationToken).ConfigureAwait(false);
            _prompts.Commit(delivery);
            _pending.Remove(delivery);
        }
        return batch.Count;
    }

    // Requests batch together when they sample the same way; their seeds may differ.
    private static bool SameSampling(RolloutRequest a, RolloutRequest b) =>
        a.Sampling.Temperature == b.Sampling.Temperature && a.Sampling.TopP == b.Sampling.TopP && a.Sampling.TopK == b.Sampling.TopK
        && a.Sampling.Stop.SequenceEqual(b.Sampling.Stop);

    private Completion ToCompletion(GenerationResult result)
    {
        var completion = new Completion
        {
            Text = _tokenizer.Decode(result.TokenIds, skipSpecialTokens: true),
            FinishReason = result.FinishReason == ModelFinishReason.Stop ? Contracts.V1.FinishReason.Stop : Contracts.V1.FinishReason.Length,
        };
        completion.TokenIds.AddRange(result.TokenIds);
        completion.Logprobs.AddRange(result.RawLogProbs);
        return completion;
    }

    public void Dispose()
    {
        _prompts.Dispose();
        _policyUpdates.Dispose();
    }
}
