using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Pipeline.Tests;

/// <summary>
/// Writes a run folder as <c>pipeline run</c> does (spec.yaml, metrics.jsonl, eval.jsonl, eval/step-N-SET.json) from
/// made-up numbers: the mean length decays exponentially from 60 to 20 tokens (τ = 6 steps) while accuracy rises, and
/// evaluations every 10 steps at budgets 16, 32, 64 and 128 get shorter samples as training goes on.
/// </summary>
internal static class SyntheticRunFolder
{
    public static readonly int[] Budgets = [16, 32, 64, 128];

    public static string Create(string name, int steps = 40, int evaluateEvery = 10, double plateau = 20)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"pipeline-report-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(folder, "eval"));
        File.WriteAllText(Path.Combine(folder, "spec.yaml"), $"apiVersion: pipeline.efficient-reasoning.dev/v1alpha1\nkind: Experiment\nmetadata:\n  name: {name}\nspec: {{}}\n");
        var metrics = new StringBuilder();
        for (var step = 1; step <= steps; step++)
        {
            var length = plateau + 40 * Math.Exp(-step / 6.0) + (step % 3 - 1) * 0.3;
            var accuracy = Math.Min(0.98, 0.4 + step * 0.03);
            metrics.Append(new JsonObject
            {
                ["step"] = step, ["accuracy"] = accuracy, ["reward_mean"] = accuracy - 0.05, ["positive_reward_density"] = accuracy - 0.05,
                ["mean_length"] = length, ["mean_length_correct"] = length - 3, ["mean_length_incorrect"] = step > 30 ? null : length + 8,
                ["truncation_rate"] = Math.Max(0, 0.5 - step * 0.05), ["entropy"] = 0.1 * Math.Exp(-step / 10.0) + 0.02,
            }.ToJsonString()).Append('\n');
        }
        File.WriteAllText(Path.Combine(folder, "metrics.jsonl"), metrics.ToString());
        var eval = new StringBuilder();
        for (var step = 0; step <= steps; step += evaluateEvery)
        {
            var samples = Samples(step, plateau);
            foreach (var budget in Budgets) eval.Append(EvalLine(step, budget, samples)).Append('\n');
            File.WriteAllText(Path.Combine(folder, "eval", $"step-{step}-arith-test.json"), SamplesFile(samples));
        }
        File.WriteAllText(Path.Combine(folder, "eval.jsonl"), eval.ToString());
        return folder;
    }

    // 20 problems × 4 samples: lengths fall with the step; every fifth sample is wrong.
    private static List<(int Length, bool Finished, bool Correct)> Samples(int step, double plateau)
    {
        var samples = new List<(int, bool, bool)>();
        for (var i = 0; i < 80; i++)
        {
            var length = (int)(plateau + (40 + i % 30) * Math.Exp(-step / 12.0) + i % 7);
            samples.Add((Math.Min(length, 128), length <= 128, i % 5 != 0));
        }
        return samples;
    }

    private static string EvalLine(int step, int budget, List<(int Length, bool Finished, bool Correct)> samples)
    {
        var atBudget = samples.Select(s => (Length: Math.Min(s.Length, budget), Correct: s.Correct && s.Finished && s.Length <= budget)).ToList();
        var correct = atBudget.Where(s => s.Correct).ToList();
        var incorrect = atBudget.Where(s => !s.Correct).ToList();
        return new JsonObject
        {
            ["step"] = step, ["policy_version"] = step, ["dataset"] = "arith-test", ["budget"] = budget, ["samples"] = 4, ["problems"] = 20,
            ["mean_at_k"] = correct.Count / 80.0,
            ["pass_at_k"] = Enumerable.Range(0, 20).Count(p => atBudget.Skip(p * 4).Take(4).Any(s => s.Correct)) / 20.0,
            ["truncation_rate"] = samples.Count(s => s.Length > budget) / 80.0,
            ["mean_length"] = atBudget.Average(s => s.Length),
            ["mean_length_correct"] = correct.Count == 0 ? null : correct.Average(s => s.Length),
            ["mean_length_incorrect"] = incorrect.Count == 0 ? null : incorrect.Average(s => s.Length),
            ["median_length"] = null, ["p90_length"] = null,
        }.ToJsonString();
    }

    private static string SamplesFile(List<(int Length, bool Finished, bool Correct)> samples)
    {
        var problems = new JsonArray();
        for (var p = 0; p < 20; p++)
        {
            var list = new JsonArray();
            foreach (var s in samples.Skip(p * 4).Take(4))
                list.Add(new JsonObject { ["Length"] = s.Length, ["Finished"] = s.Finished, ["Correct"] = s.Correct, ["Extracted"] = "1" });
            problems.Add(new JsonObject { ["ProblemId"] = string.Create(CultureInfo.InvariantCulture, $"p{p}"), ["Gold"] = "1", ["Samples"] = list });
        }
        return new JsonObject { ["Dataset"] = "arith-test", ["Problems"] = 20, ["SamplesPerProblem"] = 4, ["Budgets"] = new JsonArray(), ["PerProblem"] = problems }.ToJsonString();
    }
}
