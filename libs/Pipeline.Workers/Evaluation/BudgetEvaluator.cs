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
public sealed record EvaluationOptions(IReadOnlyList<int> Budgets, int Samples, float Temperature, float TopP, ulong Seed,
    EvaluationMode Mode = EvaluationMode.Truncate, int PromptsPerBatch = 32);

/// <summary>One sample of one problem, generated at the largest budget.</summary>
public sealed record SampleResult(int Length, bool Finished, bool Correct, string? Extracted);

/// <summary>A problem's samples (kept so any other metric can be recomputed).</summary>
public sealed record ProblemResult(string ProblemId, string Gold, IReadOnlyList<SampleResult> Samples);

/// <summary>Everything one evaluation of one dataset produced.</summary>
public sealed record EvaluationReport(string Dataset, int Problems, int SamplesPerProblem, IReadOnlyList<BudgetResult> Budgets,
    IReadOnlyList<ProblemResult> PerProblem, long GeneratedTokens, double Seconds);

/// <summary>
/// The budget sweep (PAPER.md's protocol): k samples per problem generated once at the largest budget, verified,
/// then scored at every budget by <see cref="BudgetSweep"/> (a sample counts at B only if it finished within B
/// tokens and is correct). The seed fixes the sampling, so evaluations of successive checkpoints share their noise.
/// </summary>
public sealed class BudgetEvaluator(Qwen3ForCausalLM model, Prompting prompting, IReadOnlyList<int> eosTokenIds, IVerifier verifier)
{
    public EvaluationReport Evaluate(string dataset, IReadOnlyList<Problem> problems, EvaluationOptions options, IProgress<int>? progress = null)
    {
        if (options.Mode != EvaluationMode.Truncate)
            throw new NotSupportedException($"evaluation mode '{EnumNames.Name(options.Mode)}' is not implemented yet; use truncate");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var maxBudget = options.Budgets.Max();
        var results = new List<ProblemResult>(problems.Count);
        long tokens = 0;
        for (var start = 0; start < problems.Count; start += options.PromptsPerBatch)
        {
            var chunk = problems.Skip(start).Take(options.PromptsPerBatch).ToList();
            var requests = chunk.SelectMany(p => Enumerable.Repeat(new GenerationRequest(prompting.Encode(p).Ids, maxBudget), options.Samples)).ToList();
            var generation = new GenerationOptions
            {
                Sampling = new SamplingOptions { Temperature = options.Temperature, TopP = options.TopP },
                EosTokenIds = eosTokenIds,
                Seed = options.Seed + (ulong)start,
            };
            var generated = BatchGenerator.Generate(model, requests, generation);
            for (var p = 0; p < chunk.Count; p++)
            {
                var samples = generated.Skip(p * options.Samples).Take(options.Samples).Select(g => Judge(g, chunk[p].Answer)).ToList();
                results.Add(new ProblemResult(chunk[p].Id, chunk[p].Answer, samples));
            }
            tokens += generated.Sum(g => g.TokenIds.Length);
            progress?.Report(results.Count);
        }
        var outcomes = results.Select(r => new ProblemOutcomes(r.ProblemId,
            r.Samples.Select(s => new ResponseOutcome(s.Correct, s.Length, s.Finished)).ToList())).ToList();
        return new EvaluationReport(dataset, problems.Count, options.Samples, BudgetSweep.Compute(outcomes, options.Budgets), results,
            tokens, watch.Elapsed.TotalSeconds);
    }

    private SampleResult Judge(GenerationResult generated, string gold)
    {
        var verdict = verifier.Verify(prompting.Decode(generated.TokenIds), gold);
        return new SampleResult(generated.TokenIds.Length, generated.FinishReason == ModelFinishReason.Stop, verdict.Correct, verdict.Extracted);
    }
}
