// Batched autoregressive generation with a KV cache, in the manner of HF generate() and nanochat's engine:
//   prefill  — all prompts at once, left-padded to the longest, with an attention mask over the padding and rotary
//              positions that count only real tokens (so a padded row computes exactly what it would alone);
//   decode   — one new token per live row per step, attending over the cache.
// A row that finishes (EOS, stop string, its own MaxNewTokens) is dropped from the batch and from the cache right
// away, so finished sequences cost no further compute.
//
// Randomness: the uniform behind token t of request r is CounterUniforms.At(seed, stream of r, t), where the stream is
// the request's own (GenerationRequest.Stream) or else its index. So a sequence's tokens depend only on the model,
// its prompt, the seed and its stream: not on its limit, nor on which other rows are in the batch or still live.
// Consequence the budget sweep relies on: the same requests generated with MaxNewTokens = B and with any larger
// limit agree on their first B tokens (and on whether they stopped within B), up to float differences between
// batch shapes — none at all when the batches are the same, as in the sweep's comparison.
//
// Shapes: B live rows, P longest prompt, S filled cache slots, V vocab.
using Pipeline.Model.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Generation;

/// <summary>Generates completions for a batch of ragged prompts (see the file header).</summary>
public static class BatchGenerator
{
    private const int InitialDecodeSlots = 1024;

    /// <summary>One result per request, in request order.</summary>
    /// <exception cref="ArgumentException">Empty prompt, an id outside the vocabulary, negative MaxNewTokens, bad sampling options, or stop strings without a decoder.</exception>
    public static IReadOnlyList<GenerationResult> Generate(ICausalLM model, IReadOnlyList<GenerationRequest> requests, GenerationOptions options)
    {
        Validate(model, requests, options);
        var progress = requests.Select((r, i) => new RequestProgress(r, options, r.Stream ?? (ulong)i)).ToArray();
        var live = Enumerable.Range(0, requests.Count).Where(i => progress[i].Finish is null).ToList();
        if (live.Count == 0) return progress.Select(p => p.ToResult()).ToArray();

        using var noGrad = torch.no_grad();
        var seed = options.Seed ?? (ulong)Random.Shared.NextInt64();
        var promptLength = live.Max(i => requests[i].PromptIds.Count);
        var padding = live.Select(i => (long)(promptLength - requests[i].PromptIds.Count)).ToList();
        // Room for up to InitialDecodeSlots new tokens; the cache doubles beyond that, so a batch that stops early
        // (the usual case once length rewards bite) never holds memory for its full token limit.
        using var cache = model.NewCache(live.Count, promptLength + Math.Min(InitialDecodeSlots, live.Max(i => requests[i].MaxNewTokens)));

        var next = Step(model, cache, Prefill(requests, live, promptLength, model.Device), options.Sampling, seed, live, progress);
        while (true)
        {
            var keep = Enumerable.Range(0, live.Count).Where(r => progress[live[r]].Finish is null).ToList();
            if (keep.Count == 0) break;
            if (keep.Count < live.Count)
            {
                cache.KeepRows(keep.Select(r => (long)r).ToArray());
                (live, padding, next) = (keep.Select(r => live[r]).ToList(), keep.Select(r => padding[r]).ToList(), keep.Select(r => next[r]).ToArray());
            }
            next = Step(model, cache, Decode(next, live, padding, progress, cache.Length, model.Device), options.Sampling, seed, live, progress);
        }
        return progress.Select(p => p.ToResult()).ToArray();
    }

    private sealed record StepInputs(Tensor Ids, Tensor Positions, Tensor Mask);

    /// <summary>Runs the model on <paramref name="inputs"/>, samples one token per live row and records it; returns the tokens.</summary>
    private static int[] Step(ICausalLM model, KvCache cache, Func<StepInputs> inputs, SamplingOptions sampling, ulong seed,
        List<int> live, RequestProgress[] progress)
    {
        using var scope = torch.NewDisposeScope();
        var (ids, positions, mask) = inputs();
        var logits = model.Forward(ids, positions, mask, cache, logitsToKeep: 1).squeeze(1); // (B, V)
        var uniforms = torch.tensor(live.Select(i => CounterUniforms.At(seed, progress[i].Stream, progress[i].Generated)).ToArray(),
            device: model.Device); // (B)
        var sampled = Samplers.SampleFromUniforms(logits, sampling, uniforms);
        var tokens = sampled.TokenIds.cpu().data<long>().ToArray();
        var logProbs = sampled.LogProbs.cpu().data<float>().ToArray();
        var rawLogProbs = sampled.RawLogProbs.cpu().data<float>().ToArray();
        for (var r = 0; r < live.Count; r++) progress[live[r]].Add((int)tokens[r], logProbs[r], rawLogProbs[r]);
        return tokens.Select(t => (int)t).ToArray();
    }

    /// <summary>Left-padded prompts (B, P) with their key mask (B, P) and real-token positions (B, P).</summary>
    private static Func<StepInputs> Prefill(IReadOnlyList<GenerationRequest> requests, List<int> live, int promptLength, Device device) => () =>
    {
        var ids = new long[live.Count * promptLength];
        var mask = new bool[live.Count * promptLength];
        for (var r = 0; r < live.Count; r++)
        {
            var prompt = requests[live[r]].PromptIds;
            var offset = r * promptLength + promptLength - prompt.Count;
            for (var i = 0; i < prompt.Count; i++) (ids[offset + i], mask[offset + i]) = (prompt[i], true);
        }
        long[] shape = [live.Count, promptLength];
        var maskTensor = torch.tensor(mask, shape, device: device);
        return new StepInputs(torch.tensor(ids, shape, device: device), ForwardInputs.PositionsFromMask(maskTensor), maskTensor);
    };

    /// <summary>The last sampled tokens (B, 1), their positions (B, 1) and the key mask (B, S + 1) hiding each row's left padding.</summary>
    private static Func<StepInputs> Decode(int[] next, List<int> live, List<long> padding, RequestProgress[] progress, int filled, Device device) => () =>
    {
        long[] shape = [live.Count, 1];
        var ids = torch.tensor(next.Select(t => (long)t).ToArray(), shape, device: device);
        var positions = torch.tensor(live.Select(i => progress[i].NextInputPosition).ToArray(), shape, device: device);
        var slots = torch.arange(filled + 1, device: device).unsqueeze(0); // (1, S + 1)
        var mask = slots.ge(torch.tensor(padding.ToArray(), device: device).unsqueeze(1)); // (B, S + 1)
        return new StepInputs(ids, positions, mask);
    };

    private static void Validate(ICausalLM model, IReadOnlyList<GenerationRequest> requests, GenerationOptions options)
    {
        var problems = new List<string>(options.Sampling.Problems());
        if (requests.Count == 0) problems.Add("no requests to generate for");
        if (options.StopStrings.Count > 0 && options.Decode is null) problems.Add("stop strings need a Decode function");
        if (options.StopStrings.Any(string.IsNullOrEmpty)) problems.Add("stop strings must not be empty");
        for (var r = 0; r < requests.Count; r++)
        {
            var prompt = requests[r].PromptIds;
            if (prompt is null || prompt.Count == 0) problems.Add($"request {r}: the prompt is empty");
            else if (prompt.Where(id => id < 0 || id >= model.VocabSize).Select(id => (int?)id).FirstOrDefault() is { } bad)
                problems.Add($"request {r}: token id {bad} is outside the vocabulary [0, {model.VocabSize})");
            if (requests[r].MaxNewTokens < 0) problems.Add($"request {r}: max new tokens must be ≥ 0, got {requests[r].MaxNewTokens}");
        }
        if (problems.Count > 0) throw new ArgumentException("cannot generate: " + string.Join("; ", problems), nameof(requests));
    }
}
