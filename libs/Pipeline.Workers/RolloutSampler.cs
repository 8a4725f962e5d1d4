using Pipeline.Contracts.V1;
using Pipeline.Model.Generation;
using Pipeline.Model.Qwen3;
using Pipeline.Model.Tokenization;
using ModelFinishReason = Pipeline.Model.Generation.FinishReason;

namespace Pipeline.Workers;

/// <summary>
/// Samples the completions of <see cref="RolloutRequest"/>s with the KV-cache generator, for the rollout worker and
/// the gRPC Rollout service alike. Each completion draws from its own random stream, derived from its group's seed
/// and its index in the group, so a group's completions do not depend on which other groups share its batch (nor
/// on whether it came over the bus or a direct call). Generation and weight loads take turns on one model.
/// </summary>
public sealed class RolloutSampler(Qwen3ForCausalLM model, QwenTokenizer tokenizer, IReadOnlyList<int> eosTokenIds)
{
    // Every stream is keyed by its group's seed, so one fixed generator seed suffices.
    private const ulong GeneratorSeed = 0x5EED_0F_A11_5A3DUL;
    private readonly Lock _gate = new();

    /// <summary>The policy version whose weights the model holds (−1 before the first load).</summary>
    public long PolicyVersion { get; private set; } = -1;

    /// <summary>Replaces the weights (between batches, never during one: a group never mixes two versions).</summary>
    public void Load(long version, Action<Qwen3ForCausalLM> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        lock (_gate)
        {
            load(model);
            PolicyVersion = version;
        }
    }

    /// <summary>One completion list per request, in order; every request must sample the same way (seeds may differ).</summary>
    public (IReadOnlyList<IReadOnlyList<Completion>> Groups, long PolicyVersion) Generate(IReadOnlyList<RolloutRequest> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0) return ([], PolicyVersion);
        var requests = batch.SelectMany(r => Enumerable.Range(0, r.GroupSize).Select(i =>
            new GenerationRequest(r.PromptTokenIds, r.Sampling.MaxTokens) { Stream = StreamOf(r.Sampling.Seed, i) })).ToList();
        var sampling = batch[0].Sampling;
        var options = new GenerationOptions
        {
            Sampling = new SamplingOptions { Temperature = (float)sampling.Temperature, TopP = (float)sampling.TopP, TopK = sampling.TopK },
            EosTokenIds = eosTokenIds,
            StopStrings = [.. sampling.Stop],
            Decode = ids => tokenizer.Decode(ids, skipSpecialTokens: true),
            Seed = GeneratorSeed,
        };
        lock (_gate)
        {
            var results = BatchGenerator.Generate(model, requests, options);
            var groups = new List<IReadOnlyList<Completion>>(batch.Count);
            var offset = 0;
            foreach (var request in batch)
            {
                groups.Add(results.Skip(offset).Take(request.GroupSize).Select(ToCompletion).ToList());
                offset += request.GroupSize;
            }
            return (groups, PolicyVersion);
        }
    }

    /// <summary>Requests batch together when they sample the same way; their seeds may differ.</summary>
    public static bool SameSampling(RolloutRequest a, RolloutRequest b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a.Sampling.Temperature == b.Sampling.Temperature && a.Sampling.TopP == b.Sampling.TopP && a.Sampling.TopK == b.Sampling.TopK
            && a.Sampling.Stop.SequenceEqual(b.Sampling.Stop);
    }

    // FNV-1a over (group seed, index): distinct, stable streams for the completions of a group.
    private static ulong StreamOf(ulong groupSeed, int index) =>
        ((groupSeed ^ (ulong)index) * 0x100000001b3UL ^ 0xcbf29ce484222325UL) * 0x100000001b3UL;

    private Completion ToCompletion(GenerationResult result)
    {
        var completion = new Completion
        {
            Text = tokenizer.Decode(result.TokenIds, skipSpecialTokens: true),
            FinishReason = result.FinishReason == ModelFinishReason.Stop ? Contracts.V1.FinishReason.Stop : Contracts.V1.FinishReason.Length,
        };
        completion.TokenIds.AddRange(result.TokenIds);
        completion.Logprobs.AddRange(result.RawLogProbs);
        return completion;
    }
}
