using Pipeline.Core.Evaluation;
using Pipeline.Core.Rewards;
using Pipeline.Core.Spec;
using Pipeline.Core.Tasks;
using Pipeline.Core.Verifiers;
using Pipeline.Model.Generation;
using Pipeline.Model.Qwen3;
using ModelFinishReason = Pipeline.Model.Generation.FinishReason;

namespace Pipeline.Workers.Evaluation;

/// <summary>How to evaluate: budgets (ascending), samples per problem (k), sampling, mode, seed.</summary>
/// <param name="ForcedAnswerTokens">force-answer mode: the limit of the answer forced at each budget.</param>
public sealed record EvaluationOptions(IReadOnlyList<int> Budgets, int Samples, float Temperature, float TopP, ulong Seed,
    EvaluationMode Mode = EvaluationMode.Truncate, int PromptsPerBatch = 32, int ForcedAnswerTokens = ForcedAnswer.DefaultMaxTokens);

/// <summary>One sample of one problem, generated at the largest budget.</summary>
/// <param name="Forced">force-answer mode: the answer forced at each budget the sample did not finish within (ascending); null in truncate mode.</param>
public sealed record SampleResult(int Length, bool Finished, bool Correct, string? Extracted, IReadOnlyList<ForcedAnswerResult>? Forced = null);

/// <summary>The answer forced out of a sample cut at <paramref name="Budget"/>.</summary>
/// <param name="Tokens">Tokens the model wrote after the cue (not counted in the sample's length at the budget).</param>
/// <param name="Finished">The forced answer ended by itself (EOS) within the answer limit.</param>
public sealed record ForcedAnswerResult(int Budget, bool Correct, string? Extracted, int Tokens, bool Finished);

/// <summary>A problem's samples (kept so any other metric can be recomputed).</summary>
public sealed record ProblemResult(string ProblemId, string Gold, IReadOnlyList<SampleResult> Samples);

/// <summary>Everything one evaluation of one dataset produced.</summary>
/// <param name="GeneratedTokens">Tokens of the one sampling pass at the largest budget.</param>
public sealed record EvaluationReport(string Dataset, int Problems, int SamplesPerProblem, IReadOnlyList<BudgetResult> Budgets,
    IReadOnlyList<ProblemResult> PerProblem, long GeneratedTokens, double Seconds)
{
    /// <summary>truncate or force-answer (the spec spelling).</summary>
    public string Mode { get; init; } = EnumNames.Name(EvaluationMode.Truncate);

    /// <summary>force-answer mode: tokens of all forced answers, every budget together (the mode's extra generation).</summary>
    public long ForcedAnswerTokens { get; init; }
}

/// <summary>
/// The budget sweep (PAPER.md's protocol): k samples per problem generated once at the largest budget, verified,
/// then scored at every budget by <see cref="BudgetSweep"/>. The seed fixes the sampling and every sample draws from
/// its own stream (problem index × k + sample index), so evaluations of successive checkpoints share their noise.
/// </summary>
/// <remarks>
/// Equivalence (tested in BudgetEvaluatorEquivalenceTests): for any budget B of the list, the report's result at B
/// equals the result of evaluating with the single budget B — same seed, same problems, same batching — in both
/// modes, because each sample's first B tokens and whether it finished within B do not depend on the generation limit
/// (see BatchGenerator), and a forced answer at B depends only on those B tokens and on a seed derived from B.
/// force-answer costs one extra short generation per budget per batch of problems, over the samples cut at that
/// budget: a prefill of prompt + B + suffix tokens and at most <see cref="EvaluationOptions.ForcedAnswerTokens"/>
/// decode steps (the KV cache of the main pass is not reused).
/// </remarks>
public sealed class BudgetEvaluator(Qwen3ForCausalLM model, Prompting prompting, IReadOnlyList<int> eosTokenIds, IVerifier verifier)
{
    /// <summary>
    /// Most tokens (rows × longest input) one forced-answer generation prefills at once. Its inputs hold B response
    /// tokens each, so at paper budgets (32k) a whole batch of cut samples would not fit in memory; slices keep it
    /// bounded. Every sample draws from its own stream, so a slice changes which rows share a batch, not a row's draws.
    /// </summary>
    public const int ForcedPrefillTokens = 1 << 16;

    private readonly ForcedAnswer _forced = ForcedAnswer.For(prompting.Tokenizer);

    public EvaluationReport Evaluate(string dataset, IReadOnlyList<Problem> problems, EvaluationOptions options, IProgress<int>? progress = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var budgets = options.Budgets;
        var results = new List<ProblemResult>(problems.Count);
        long tokens = 0, forcedTokens = 0;
        for (var start = 0; start < problems.Count; start += options.PromptsPerBatch)
        {
            var chunk = problems.Skip(start).Take(options.PromptsPerBatch).ToList();
            var prompts = chunk.Select(p => prompting.Encode(p).Ids).ToList();
            var generated = Generate(prompts, start, options);
            var samples = generated.Select((g, i) => Judge(g, chunk[i / options.Samples].Answer)).ToList();
            if (options.Mode == EvaluationMode.ForceAnswer)
            {
                var forced = ForceAnswers(chunk, prompts, generated, samples, start, options);
                samples = samples.Select((s, i) => s with { Forced = forced[i] }).ToList();
                forcedTokens += forced.Sum(f => f.Sum(a => a.Tokens));
            }
            for (var p = 0; p < chunk.Count; p++)
                results.Add(new ProblemResult(chunk[p].Id, chunk[p].Answer, samples.Skip(p * options.Samples).Take(options.Samples).ToList()));
            tokens += generated.Sum(g => g.TokenIds.Length);
            progress?.Report(results.Count);
        }
        var atBudgets = budgets.Select(b => BudgetSweep.Summarise(b, results.Select(r => new ProblemOutcomes(r.ProblemId,
            r.Samples.Select(s => AtBudget(s, b, options.Mode)).ToList())).ToList())).ToList();
        return new EvaluationReport(dataset, problems.Count, options.Samples, atBudgets, results, tokens, watch.Elapsed.TotalSeconds)
        {
            Mode = EnumNames.Name(options.Mode),
            ForcedAnswerTokens = forcedTokens,
        };
    }

    /// <summary>A sample as judged at budget B in the given mode.</summary>
    public static ResponseOutcome AtBudget(SampleResult sample, int budget, EvaluationMode mode)
    {
        var outcome = new ResponseOutcome(sample.Correct, sample.Length, sample.Finished);
        if (mode == EvaluationMode.Truncate || outcome.FinishedWithin(budget)) return BudgetSweep.AtBudget(outcome, budget);
        var forced = sample.Forced?.FirstOrDefault(f => f.Budget == budget)
            ?? throw new InvalidOperationException($"no forced answer at budget {budget} for a sample cut there");
        return BudgetSweep.ForcedAtBudget(outcome, budget, forced.Correct);
    }

    // The k samples of every problem of the chunk at the largest budget, each on its own stream.
    private IReadOnlyList<GenerationResult> Generate(IReadOnlyList<IReadOnlyList<int>> prompts, int start, EvaluationOptions options)
    {
        var limit = options.Budgets.Max();
        var requests = prompts.SelectMany((ids, p) => Enumerable.Range(0, options.Samples)
            .Select(j => new GenerationRequest(ids, limit) { Stream = SampleStream(start + p, j, options) })).ToList();
        return BatchGenerator.Generate(model, requests, Sampling(options, options.Seed));
    }

    /// <summary>
    /// For each sample of the chunk, the answers forced at every budget it did not finish within: one batched
    /// generation per budget, seeded from (seed, budget), each sample on its own stream.
    /// </summary>
    private List<ForcedAnswerResult>[] ForceAnswers(IReadOnlyList<Problem> chunk, IReadOnlyList<IReadOnlyList<int>> prompts, IReadOnlyList<GenerationResult> generated,
        IReadOnlyList<SampleResult> samples, int start, EvaluationOptions options)
    {
        var forced = samples.Select(_ => new List<ForcedAnswerResult>()).ToArray();
        foreach (var budget in options.Budgets)
        {
            var cut = Enumerable.Range(0, samples.Count)
                .Where(i => !new ResponseOutcome(false, samples[i].Length, samples[i].Finished).FinishedWithin(budget)).ToList();
            if (cut.Count == 0) continue;
            var inputs = cut.Select(i => _forced.Prompt(prompts[i / options.Samples], generated[i].TokenIds, budget)).ToList();
            var requests = cut.Select((i, r) => new GenerationRequest(inputs[r].Ids, options.ForcedAnswerTokens)
            {
                Stream = SampleStream(start + (i / options.Samples), i % options.Samples, options),
            }).ToList();
            var sampling = Sampling(options, CounterUniforms.Derive(options.Seed, (ulong)budget));
            var rowsPerSlice = Math.Max(1, ForcedPrefillTokens / requests.Max(r => r.PromptIds.Count));
            var answers = requests.Chunk(rowsPerSlice).SelectMany(slice => BatchGenerator.Generate(model, slice, sampling)).ToList();
            for (var r = 0; r < cut.Count; r++)
            {
                var verdict = verifier.Verify(_forced.JudgedText(inputs[r].CutText, answers[r].TokenIds), chunk[cut[r] / options.Samples].Answer);
                forced[cut[r]].Add(new ForcedAnswerResult(budget, verdict.Correct, verdict.Extracted, answers[r].TokenIds.Length,
                    answers[r].FinishReason == ModelFinishReason.Stop));
            }
        }
        return forced;
    }

    private static ulong SampleStream(int problem, int sample, EvaluationOptions options) => (ulong)problem * (ulong)options.Samples + (ulong)sample;

    private GenerationOptions Sampling(EvaluationOptions options, ulong seed) => new()
    {
        Sampling = new SamplingOptions { Temperature = options.Temperature, TopP = options.TopP },
        EosTokenIds = eosTokenIds,
        Seed = seed,
    };

    private SampleResult Judge(GenerationResult generated, string gold)
    {
        var verdict = verifier.Verify(prompting.Decode(generated.TokenIds), gold);
        return new SampleResult(generated.TokenIds.Length, generated.FinishReason == ModelFinishReason.Stop, verdict.Correct, verdict.Extracted);
    }
}
