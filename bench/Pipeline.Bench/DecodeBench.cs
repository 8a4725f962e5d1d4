using Pipeline.Model.Generation;
using Pipeline.Model.Qwen3;
using static TorchSharp.torch;

namespace Pipeline.Bench;

/// <summary>
/// Prefill and decode throughput of a ~10M-parameter Qwen3 on this CPU: decode with the KV cache (the real
/// generator) against full recomputation of the whole sequence at every step (what generation without a cache
/// costs). Greedy, no end-of-sequence, so every request produces exactly the requested number of tokens.
/// </summary>
internal static class DecodeBench
{
    public sealed record Result(string Measure, int Batch, int PromptTokens, int NewTokens, double Seconds, double TokensPerSecond, string Note);

    /// <summary>~8.4M parameters: vocab 8192, hidden 256, 8 layers, 4 heads over 2 KV heads, head_dim 64, tied.</summary>
    public static Qwen3Config Config { get; } = TinyQwen3.Config(vocabSize: 8192, hiddenSize: 256, layers: 8, heads: 4, kvHeads: 2,
        headDim: 64, intermediateSize: 768, tieWordEmbeddings: true);

    public static IReadOnlyList<Result> Run(int newTokens, int promptTokens, IReadOnlyList<int> batches, double recomputeBudgetSeconds)
    {
        using var model = TinyQwen3.Create(seed: 1, config: Config, std: 0.02);
        var results = new List<Result>();
        foreach (var batch in batches)
        {
            var prompts = Prompts(batch, promptTokens);
            results.Add(Prefill(model, prompts));
            results.Add(CachedDecode(model, prompts, newTokens));
            results.Add(RecomputeDecode(model, prompts, newTokens, recomputeBudgetSeconds));
        }
        return results;
    }

    private static int[][] Prompts(int batch, int length)
    {
        var random = new Random(batch);
        return Enumerable.Range(0, batch).Select(_ => Enumerable.Range(0, length).Select(_ => random.Next(Config.VocabSize)).ToArray()).ToArray();
    }

    private static Result Prefill(Qwen3ForCausalLM model, int[][] prompts)
    {
        using var ids = tensor(prompts.SelectMany(p => p).Select(i => (long)i).ToArray(), [prompts.Length, prompts[0].Length]);
        var seconds = Stopwatches.Median(3, () =>
        {
            using var noGrad = no_grad();
            using var logits = model.Forward(ids, logitsToKeep: 1);
        });
        var tokens = prompts.Length * prompts[0].Length;
        return new Result("prefill", prompts.Length, prompts[0].Length, 0, seconds, tokens / seconds, "forward over the prompt, last logits only");
    }

    private static Result CachedDecode(Qwen3ForCausalLM model, int[][] prompts, int newTokens)
    {
        var requests = prompts.Select(p => new GenerationRequest(p, newTokens)).ToList();
        var options = new GenerationOptions { Sampling = SamplingOptions.Greedy, Seed = 0 };
        BatchGenerator.Generate(model, requests.Take(1).ToList(), options with { }); // warm-up
        var seconds = Stopwatches.Once(() => BatchGenerator.Generate(model, requests, options));
        var tokens = prompts.Length * newTokens;
        return new Result("decode, KV cache", prompts.Length, prompts[0].Length, newTokens, seconds, tokens / seconds, "includes the prefill");
    }

    // Generation without a cache: every step runs the whole sequence again. Stops early when the time budget is
    // spent; tokens/s is then measured over the steps done, which overstates the no-cache speed (later steps are
    // longer), so the cache's advantage reported is a lower bound.
    private static Result RecomputeDecode(Qwen3ForCausalLM model, int[][] prompts, int newTokens, double budgetSeconds)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var ids = tensor(prompts.SelectMany(p => p).Select(i => (long)i).ToArray(), [prompts.Length, prompts[0].Length]);
        var steps = 0;
        using (no_grad())
        {
            while (steps < newTokens && watch.Elapsed.TotalSeconds < budgetSeconds)
            {
                using var logits = model.Forward(ids, logitsToKeep: 1);     // (B, 1, V)
                var next = logits[.., -1, ..].argmax(-1, keepdim: true);    // (B, 1)
                ids = cat([ids, next], 1);
                steps++;
            }
        }
        var seconds = watch.Elapsed.TotalSeconds;
        var note = steps < newTokens ? $"stopped after {steps} of {newTokens} steps (time budget): a lower bound on the cache's advantage" : "full length";
        return new Result("decode, recompute", prompts.Length, prompts[0].Length, steps, seconds, prompts.Length * steps / seconds, note);
    }
}
