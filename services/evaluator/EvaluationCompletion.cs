using System.Text.Json.Nodes;
using Pipeline.Core.Spec;
using Pipeline.Workers.Embedded;
using Pipeline.Workers.Evaluation;

namespace Pipeline.Services.Evaluator;

/// <summary>
/// Whether the evaluator's work for the experiment is done (<c>Evaluator:ExitWhenDone</c>): every evaluation set has
/// a result at every budget at the final step (<c>optimizer.steps</c>, which <see cref="Workers.Runs.RunPlan"/>
/// always evaluates). Seeded from the run folder, so a restarted evaluator knows what is already there, and told of
/// each report the loop writes. With no evaluation sets there is nothing to evaluate: done from the start.
/// </summary>
public sealed class EvaluationCompletion
{
    private readonly HashSet<(string Dataset, int Budget)> _final = [];

    public EvaluationCompletion(int finalStep, IEnumerable<string> sets, IEnumerable<int> budgets)
    {
        ArgumentNullException.ThrowIfNull(sets);
        ArgumentNullException.ThrowIfNull(budgets);
        FinalStep = finalStep;
        Sets = sets.ToList();
        Budgets = budgets.ToList();
    }

    public static EvaluationCompletion For(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new(spec.Optimizer.Steps, spec.Data.Eval.Select(e => e.Name), spec.Evaluation.Budgets);
    }

    public int FinalStep { get; }
    public IReadOnlyList<string> Sets { get; }
    public IReadOnlyList<int> Budgets { get; }

    /// <summary>Every set has a result at every budget at <see cref="FinalStep"/> (true when there are no sets).</summary>
    public bool IsDone => Missing.Count == 0;

    /// <summary>The sets still lacking a complete final evaluation.</summary>
    public IReadOnlyList<string> Missing => Sets.Where(s => !Budgets.All(b => _final.Contains((s, b)))).ToList();

    /// <summary>Notes one evaluation (one line of eval.jsonl); only the final step's count.</summary>
    public void Record(int step, string dataset, int budget)
    {
        if (step == FinalStep) _final.Add((dataset, budget));
    }

    public void Record(int step, EvaluationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        foreach (var budget in report.Budgets) Record(step, report.Dataset, budget.Budget);
    }

    /// <summary>
    /// Notes what the run folder already holds: the lines of eval.jsonl (<see cref="RunDirectory.AppendEvaluation"/>)
    /// whose per-problem file eval/step-N-SET.json exists too. That file is written after the lines, so a set whose
    /// evaluation was cut short by a crash does not count and is evaluated again.
    /// </summary>
    public void ReadRunFolder(RunDirectory run)
    {
        ArgumentNullException.ThrowIfNull(run);
        foreach (var line in RunDirectory.ReadJsonLines(run.EvalPath))
        {
            if (Int(line, "step") is not { } step || Int(line, "budget") is not { } budget) continue;
            if (line["dataset"]?.GetValueKind() != System.Text.Json.JsonValueKind.String) continue;
            var dataset = line["dataset"]!.GetValue<string>();
            if (File.Exists(Path.Combine(run.Path, "eval", $"step-{step}-{dataset}.json"))) Record(step, dataset, budget);
        }
    }

    private static int? Int(JsonObject line, string key) =>
        line[key] is JsonValue value && value.TryGetValue<int>(out var number) ? number : null;
}
