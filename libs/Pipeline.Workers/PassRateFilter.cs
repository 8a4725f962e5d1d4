using Pipeline.Core.Spec;
using Pipeline.Core.Tasks;
using Pipeline.Workers.Evaluation;

namespace Pipeline.Workers;

/// <summary>What the filter did: problems sampled, kept, and how many had each pass rate (index = correct samples).</summary>
public sealed record PassRateStats(int Sampled, int Kept, IReadOnlyList<int> CorrectCountHistogram, double Seconds);

/// <summary>
/// Selects training prompts by the model's own pass rate (PAPER.md: "easy" = pass rate over 8 samples &gt; 0.5,
/// "hard" ≤ 0.5). A sample passes if it is correct and finished within the filter's token limit
/// (<c>filter.passRate.maxTokens</c>: the model's pass rate at a generous budget, which is what "easy" means in the
/// paper; by default the rollout limit, i.e. the pass rate as the training reward sees it). Candidates are sampled in their training order, a chunk at a time, only until enough are kept
/// for the run, so a long candidate list costs only what is used.
/// </summary>
public sealed class PassRateFilter(BudgetEvaluator evaluator)
{
    public const int ChunkProblems = 64;

    public (IReadOnlyList<Problem> Kept, PassRateStats Stats) Select(IReadOnlyList<Problem> candidates, PassRateFilterSpec spec,
        int maxTokens, float temperature, float topP, ulong seed, int needed, IProgress<PassRateStats>? progress = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var kept = new List<Problem>();
        var histogram = new int[spec.Samples + 1];
        var sampled = 0;
        var options = new EvaluationOptions([maxTokens], spec.Samples, temperature, topP, seed);
        while (kept.Count < needed && sampled < candidates.Count)
        {
            var chunk = candidates.Skip(sampled).Take(ChunkProblems).ToList();
            var report = evaluator.Evaluate("pass-rate", chunk, options with { Seed = seed + (ulong)sampled });
            foreach (var (problem, result) in chunk.Zip(report.PerProblem))
            {
                var correct = result.Samples.Count(s => s.Correct && s.Finished);
                histogram[correct]++;
                if (Keeps(spec, correct / (double)spec.Samples)) kept.Add(problem);
            }
            sampled += chunk.Count;
            progress?.Report(new PassRateStats(sampled, kept.Count, histogram, watch.Elapsed.TotalSeconds));
        }
        return (kept, new PassRateStats(sampled, kept.Count, histogram, watch.Elapsed.TotalSeconds));
    }

    /// <summary>Keep when above &lt; rate (if set) and rate ≤ atMost (if set).</summary>
    public static bool Keeps(PassRateFilterSpec spec, double passRate) =>
        (spec.Above is not { } above || passRate > above) && (spec.AtMost is not { } atMost || passRate <= atMost);
}
