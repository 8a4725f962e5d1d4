using System.Text.Json;
using Pipeline.Core.Tasks;
using Pipeline.Workers.Embedded;
using Pipeline.Workers.Evaluation;

namespace Pipeline.Workers.Runs;

/// <summary>
/// The prompts a run trains on: the candidates in the run's seeded order, kept by the pass-rate filter when the
/// spec has one, recorded in <c>prompts.json</c> so a resumed or restarted learner trains on exactly the same list.
/// </summary>
public static class TrainingPrompts
{
    public static IReadOnlyList<Problem> Select(RunSetup setup, BudgetEvaluator evaluator, IRunObserver observer)
    {
        var spec = setup.Spec;
        var candidates = new PromptOrder(setup.Candidates, spec.Seed);
        var ordered = Enumerable.Range(0, setup.Candidates.Count).Select(i => candidates.At(i)).ToList();
        IReadOnlyList<Problem> kept = ordered;
        if (spec.Data.Filter?.PassRate is { } passRate)
        {
            var needed = spec.Optimizer.Steps * spec.Optimizer.PromptsPerStep * (spec.Optimizer.DynamicSampling ? 2 : 1);
            observer.Phase($"filtering prompts by pass rate ({passRate.Samples} samples each, until {needed} are kept)");
            var filter = new PassRateFilter(evaluator);
            var (selected, stats) = filter.Select(ordered, passRate, passRate.MaxTokens ?? spec.Rollout.MaxTokens,
                (float)spec.Rollout.Temperature, (float)spec.Rollout.TopP, (ulong)spec.Seed + 7UL, needed,
                new Progress<PassRateStats>(s => observer.Progress(s.Kept, needed)));
            observer.Message($"pass-rate filter: kept {stats.Kept} of {stats.Sampled} prompts sampled in {stats.Seconds:F0} s; correct-count histogram [{string.Join(", ", stats.CorrectCountHistogram)}]");
            kept = selected.Count > 0 ? selected : throw new InvalidOperationException($"the pass-rate filter kept no prompt out of {stats.Sampled}");
            File.WriteAllText(setup.Run.PromptsPath, JsonSerializer.Serialize(new { ids = kept.Select(p => p.Id), stats }));
        }
        else
        {
            File.WriteAllText(setup.Run.PromptsPath, JsonSerializer.Serialize(new { ids = kept.Select(p => p.Id) }));
        }
        return kept;
    }

    /// <summary>The list a previous start of this run recorded.</summary>
    public static IReadOnlyList<Problem> Load(RunSetup setup)
    {
        var path = setup.Run.PromptsPath;
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var byId = setup.Candidates.ToDictionary(p => p.Id);
        return json.RootElement.GetProperty("ids").EnumerateArray()
            .Select(id => byId.TryGetValue(id.GetString()!, out var p) ? p : throw new InvalidDataException($"{path}: prompt '{id}' is not in the training data any more"))
            .ToList();
    }

    /// <summary>The recorded list when there is one, else a fresh selection.</summary>
    public static IReadOnlyList<Problem> LoadOrSelect(RunSetup setup, Func<BudgetEvaluator> evaluator, IRunObserver observer) =>
        File.Exists(setup.Run.PromptsPath) ? Load(setup) : Select(setup, evaluator(), observer);
}
