using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Core.Evaluation;
using Pipeline.Core.Metrics;

namespace Pipeline.Workers.Evaluation;

/// <summary>What was evaluated, and how (the header of results.json).</summary>
public sealed record EvaluationSettings(string Model, string Mode, IReadOnlyList<int> Budgets, int Samples, float Temperature, float TopP,
    ulong Seed, int? ForcedAnswerTokens, string Verifier);

/// <summary>One evaluated dataset: its name and source, how many of its rows needed control characters repaired, and the report.</summary>
public sealed record EvaluatedDataset(string Name, string Source, int RepairedRows, EvaluationReport Report)
{
    /// <summary>Ids of the problems left out because their prompts did not fit the model's context.</summary>
    public IReadOnlyList<string> SkippedProblems { get; init; } = [];
}

/// <summary>
/// <c>results.json</c> of <c>pipeline eval</c> (README, "Evaluating a model"): the settings, then per dataset the
/// metrics of every budget — Mean@k, unbiased Pass@k, truncation rate, mean/median/p90 length overall, of correct
/// and of incorrect samples, histograms by correctness — and every problem with every sample (length at the largest
/// budget, finished, correct, extracted answer; in force-answer mode the answers forced at each budget it was cut at)
/// and the number correct at each budget. Snake_case keys, as eval.jsonl.
/// </summary>
public static class EvaluationResultsFile
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Write(string path, EvaluationSettings settings, IReadOnlyList<EvaluatedDataset> datasets) =>
        File.WriteAllText(path, Build(settings, datasets).ToJsonString(Indented) + "\n");

    public static JsonObject Build(EvaluationSettings settings, IReadOnlyList<EvaluatedDataset> datasets) => new()
    {
        ["model"] = settings.Model,
        ["mode"] = settings.Mode,
        ["budgets"] = Array(settings.Budgets.Select(b => (JsonNode?)b)),
        ["samples"] = settings.Samples,
        ["temperature"] = settings.Temperature,
        ["top_p"] = settings.TopP,
        ["seed"] = settings.Seed,
        ["forced_answer_tokens"] = settings.ForcedAnswerTokens,
        ["verifier"] = settings.Verifier,
        ["datasets"] = Array(datasets.Select(Dataset)),
    };

    private static JsonNode Dataset(EvaluatedDataset dataset)
    {
        var report = dataset.Report;
        var mode = Core.Spec.EnumNames.TryParse<Core.Spec.EvaluationMode>(report.Mode, out var parsed) ? parsed : Core.Spec.EvaluationMode.Truncate;
        return new JsonObject
        {
            ["name"] = dataset.Name,
            ["source"] = dataset.Source,
            ["problem_count"] = report.Problems,
            ["samples"] = report.SamplesPerProblem,
            ["repaired_rows"] = dataset.RepairedRows,
            ["skipped_problems"] = Array(dataset.SkippedProblems.Select(id => (JsonNode?)id)),
            ["generated_tokens"] = report.GeneratedTokens,
            ["forced_answer_tokens"] = report.ForcedAnswerTokens,
            ["seconds"] = Math.Round(report.Seconds, 3),
            ["budgets"] = Array(report.Budgets.Select(Budget)),
            ["problems"] = Array(report.PerProblem.Select(p => Problem(p, report.Budgets, mode))),
        };
    }

    private static JsonNode Budget(BudgetResult b) => new JsonObject
    {
        ["budget"] = b.Budget,
        ["mean_at_k"] = b.MeanAtK,
        ["pass_at_k"] = b.PassAtK,
        ["truncation_rate"] = b.TruncationRate,
        ["mean_length"] = b.Lengths.Overall.Mean,
        ["median_length"] = b.Lengths.Overall.Median,
        ["p90_length"] = b.Lengths.Overall.P90,
        ["mean_length_correct"] = b.Lengths.Correct.Mean,
        ["median_length_correct"] = b.Lengths.Correct.Median,
        ["p90_length_correct"] = b.Lengths.Correct.P90,
        ["mean_length_incorrect"] = b.Lengths.Incorrect.Mean,
        ["median_length_incorrect"] = b.Lengths.Incorrect.Median,
        ["p90_length_incorrect"] = b.Lengths.Incorrect.P90,
        ["histogram_correct"] = Histogram(b.HistogramCorrect),
        ["histogram_incorrect"] = Histogram(b.HistogramIncorrect),
    };

    // Lengths at B lie in [0, B], the histogram's range, so below/above are always 0 and left out.
    private static JsonNode Histogram(LengthHistogram h) => new JsonObject
    {
        ["edges"] = Array(h.Edges.Select(e => (JsonNode?)e)),
        ["counts"] = Array(h.Counts.Select(c => (JsonNode?)c)),
    };

    private static JsonNode Problem(ProblemResult problem, IReadOnlyList<BudgetResult> budgets, Core.Spec.EvaluationMode mode) => new JsonObject
    {
        ["id"] = problem.ProblemId,
        ["gold"] = problem.Gold,
        ["correct_by_budget"] = Array(budgets.Select(b => (JsonNode?)problem.Samples.Count(s => BudgetEvaluator.AtBudget(s, b.Budget, mode).Correct))),
        ["samples"] = Array(problem.Samples.Select(Sample)),
    };

    private static JsonNode Sample(SampleResult s)
    {
        var sample = new JsonObject { ["length"] = s.Length, ["finished"] = s.Finished, ["correct"] = s.Correct, ["extracted"] = s.Extracted };
        if (s.Forced is { } forced)
        {
            sample["forced"] = Array(forced.Select(f => (JsonNode?)new JsonObject
            {
                ["budget"] = f.Budget, ["correct"] = f.Correct, ["extracted"] = f.Extracted, ["tokens"] = f.Tokens, ["finished"] = f.Finished,
            }));
        }
        return sample;
    }

    private static JsonArray Array(IEnumerable<JsonNode?> items) => new([.. items]);
}
