// A small, local evaluator for the SFT stage (the budget-sweep evaluator of the RL loop is the integrator's): samples
// answers to arithmetic test problems with the KV-cache generator, judges them with the math verifier, and returns
// per-problem outcomes that Core's BudgetSweep turns into Mean@k, Pass@k, lengths and truncation rates at every budget.
// Requests go to the generator in chunks, each chunk seeded from the caller's seed, so results are reproducible.
using Pipeline.Core.Evaluation;
using Pipeline.Core.Rewards;
using Pipeline.Core.Spec;
using Pipeline.Core.Tasks.Arith;
using Pipeline.Core.Verifiers;
using Pipeline.Model.Generation;
using Pipeline.Model.Qwen3;
using Pipeline.Model.Tokenization;

namespace Pipeline.Model.Sft;

/// <summary>Samples and grades answers to arithmetic problems (see the file header).</summary>
public sealed class SftEvaluator(ICausalLM model, QwenTokenizer tokenizer, IReadOnlyList<int> eosTokenIds)
{
    /// <summary>Requests per generate call: large enough to keep the CPU busy, small enough for the KV cache.</summary>
    public const int ChunkSize = 256;

    private static readonly IVerifier Verifier = VerifierRegistry.Create(VerifierKind.Math);

    /// <summary>An evaluator for a loaded model folder (its EOS ids).</summary>
    public static SftEvaluator For(LoadedModel loaded) => new(loaded.Model, loaded.Tokenizer, loaded.EosTokenIds);

    /// <summary>
    /// <paramref name="samples"/> answers per problem, each at most <paramref name="maxTokens"/> tokens; outcomes in
    /// problem order. A sample is correct when it ended by itself (EOS) and its boxed answer is right.
    /// </summary>
    public IReadOnlyList<ProblemOutcomes> Sample(IReadOnlyList<ArithProblem> problems, int samples, SamplingOptions sampling, int maxTokens, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        var jobs = problems.SelectMany((p, i) => Enumerable.Repeat(i, samples)).ToList();
        var outcomes = problems.Select(_ => new List<ResponseOutcome>(samples)).ToList();
        var prompts = problems.Select(p => tokenizer.Encode(ArithVocabulary.PromptText(p.ToProblem()))).ToList();
        for (var start = 0; start < jobs.Count; start += ChunkSize)
        {
            var chunk = jobs.Skip(start).Take(ChunkSize).ToList();
            var options = new GenerationOptions
            {
                Sampling = sampling,
                EosTokenIds = eosTokenIds,
                Seed = seed + (ulong)(start / ChunkSize),
            };
            var results = BatchGenerator.Generate(model, chunk.Select(i => new GenerationRequest(prompts[i], maxTokens)).ToList(), options);
            for (var r = 0; r < chunk.Count; r++) outcomes[chunk[r]].Add(Grade(results[r], problems[chunk[r]]));
        }
        return problems.Select((p, i) => new ProblemOutcomes(p.Expression, outcomes[i])).ToList();
    }

    /// <summary>Fraction of <paramref name="problems"/> answered correctly by greedy decoding within <paramref name="maxTokens"/>.</summary>
    public double GreedyAccuracy(IReadOnlyList<ArithProblem> problems, int maxTokens)
    {
        var outcomes = Sample(problems, 1, SamplingOptions.Greedy, maxTokens, seed: 0);
        return outcomes.Count == 0 ? 0 : outcomes.Average(o => o.Samples[0].Correct ? 1.0 : 0.0);
    }

    /// <summary>The text of a greedy answer (for showing what the model writes).</summary>
    public string GreedyText(ArithProblem problem, int maxTokens)
    {
        var prompt = tokenizer.Encode(ArithVocabulary.PromptText(problem.ToProblem()));
        var result = BatchGenerator.Generate(model, [new GenerationRequest(prompt, maxTokens)],
            new GenerationOptions { Sampling = SamplingOptions.Greedy, EosTokenIds = eosTokenIds });
        return tokenizer.Decode(result[0].TokenIds);
    }

    private ResponseOutcome Grade(GenerationResult result, ArithProblem problem)
    {
        var finished = result.FinishReason == FinishReason.Stop;
        var text = tokenizer.Decode(result.TokenIds, skipSpecialTokens: true);
        var correct = finished && Verifier.Verify(text, problem.ToProblem().Answer).Correct;
        return new ResponseOutcome(correct, result.TokenIds.Length, finished);
    }
}
