using System.Text.RegularExpressions;
using Pipeline.Core.Rewards;

namespace Pipeline.Core.Spec;

/// <summary>
/// Semantic checks of a bound spec: ranges, required fields, cross-field rules. Pure: it looks only at the
/// document, never at the file system (a model path may only exist inside the cluster), so <c>pipeline validate</c>
/// and the controller give the same answer; <c>pipeline run</c> checks paths before it starts.
/// </summary>
public static partial class SpecValidator
{
    public static IReadOnlyList<SpecError> Validate(ExperimentDocument document)
    {
        var errors = new ErrorCollector();
        CheckHeader(document, errors);
        var spec = document.Spec;
        // Ranges, required strings, patterns and list sizes are declared on the types (the CRD schema has the same).
        SchemaChecks.Check(spec, "spec", errors);
        CheckData(spec.Data, errors);
        CheckRollout(spec.Rollout, errors);
        CheckShaping(spec.Reward.Shaping, spec.Rollout, errors);
        CheckOptimizer(spec.Optimizer, spec.Rollout, errors);
        CheckEvaluation(spec.Evaluation, errors);
        ClusterChecks.Check(spec.Cluster, errors);
        return errors.Errors;
    }

    private static void CheckHeader(ExperimentDocument document, ErrorCollector errors)
    {
        if (document.ApiVersion != ExperimentDocument.ApiVersionValue)
            errors.Add("apiVersion", $"expected '{ExperimentDocument.ApiVersionValue}', got '{document.ApiVersion}'");
        if (document.Kind != ExperimentDocument.KindValue)
            errors.Add("kind", $"expected '{ExperimentDocument.KindValue}', got '{document.Kind}'");
        var name = document.Metadata.Name;
        if (string.IsNullOrEmpty(name))
            errors.Add("metadata.name", "required; expected a name such as 'quickstart'");
        else if (name.Length > 63 || !DnsLabel().IsMatch(name))
            errors.Add("metadata.name", $"'{name}' is not a valid name; expected lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters");
    }

    private static void CheckData(DataSpec data, ErrorCollector errors)
    {
        CheckSource("spec.data.train", data.Train.Source, data.Train.Difficulty, data.Train.Fields, errors);
        if (data.Train.PromptTemplate is { } template && !template.Contains("{problem}", StringComparison.Ordinal))
            errors.Add("spec.data.train.promptTemplate", "must contain the placeholder {problem}");
        if (data.Filter?.PassRate is { } passRate) CheckPassRate(passRate, errors);

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < data.Eval.Count; i++)
        {
            var set = data.Eval[i];
            var path = $"spec.data.eval[{i}]";
            if (!string.IsNullOrEmpty(set.Name) && !names.Add(set.Name)) errors.Add($"{path}.name", $"duplicate evaluation set name '{set.Name}'");
            CheckSource(path, set.Source, set.Difficulty, set.Fields, errors);
        }
    }

    private static void CheckSource(string path, string source, Difficulty? difficulty, FieldsSpec fields, ErrorCollector errors)
    {
        var parsed = DataSource.TryParse(source, out var error);
        // An empty source is reported by its [RequiredField].
        if (error is not null && !string.IsNullOrWhiteSpace(source)) errors.Add($"{path}.source", error);
        if (parsed is FileSource && difficulty is not null)
            errors.Add($"{path}.difficulty", "applies only to synthetic sources; a file's difficulty is set by filtering (spec.data.filter)");
        if (parsed is SyntheticSource && (fields.Problem is not null || fields.Answer is not null))
            errors.Add($"{path}.fields", "applies only to file sources");
    }

    private static void CheckPassRate(PassRateFilterSpec passRate, ErrorCollector errors)
    {
        const string path = "spec.data.filter.passRate";
        if (passRate.Above is null && passRate.AtMost is null)
            errors.Add(path, "set 'above' (keep easy prompts, paper: 0.5), 'atMost' (keep hard prompts), or both");
        if (passRate is { Above: { } above, AtMost: { } atMost } && above >= atMost)
            errors.Add(path, $"'above' ({ErrorCollector.Format(above)}) must be below 'atMost' ({ErrorCollector.Format(atMost)}): no pass rate could satisfy both");
    }

    private static void CheckRollout(RolloutSpec rollout, ErrorCollector errors)
    {
        for (var i = 0; i < rollout.Stop.Count; i++)
        {
            if (rollout.Stop[i].Length == 0) errors.Add($"spec.rollout.stop[{i}]", "must not be an empty string");
        }
    }

    // The per-scheme rules (which parameters a scheme takes, their ranges, the schedule) live beside the schemes.
    private static void CheckShaping(ShapingSpec shaping, RolloutSpec rollout, ErrorCollector errors)
    {
        if (rollout.MaxTokens < 1) return; // reported under rollout.maxTokens; every shaping range depends on it
        foreach (var problem in ShapingCatalog.Problems(shaping, rollout.MaxTokens)) errors.Add(problem.Path, problem.Message);
    }

    private static void CheckOptimizer(OptimizerSpec o, RolloutSpec rollout, ErrorCollector errors)
    {
        const string p = "spec.optimizer";
        if (o.MiniBatches > o.PromptsPerStep && o.PromptsPerStep >= 1)
            errors.Add($"{p}.miniBatches", $"must be ≤ promptsPerStep ({o.PromptsPerStep}): each mini-batch needs at least one group, got {o.MiniBatches}");
        if (o.MicroBatchTokens < rollout.MaxTokens)
            errors.Add($"{p}.microBatchTokens", $"must be ≥ rollout.maxTokens ({rollout.MaxTokens}) so one response fits, got {o.MicroBatchTokens}");
    }

    private static void CheckEvaluation(EvaluationSpec e, ErrorCollector errors)
    {
        const string p = "spec.evaluation";
        for (var i = 1; i < e.Budgets.Count; i++)
        {
            if (e.Budgets[i] <= e.Budgets[i - 1])
                errors.Add($"{p}.budgets[{i}]", $"budgets must be strictly increasing; {e.Budgets[i]} follows {e.Budgets[i - 1]}");
        }
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex DnsLabel();
}
