using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Workers.Evaluation;

namespace Pipeline.Workers.Embedded;

/// <summary>
/// The files of one run (<c>runs/&lt;name&gt;/</c>): <c>spec.yaml</c> (a copy), <c>run.log</c>, <c>metrics.jsonl</c>
/// (one line per step), <c>eval.jsonl</c> (one line per evaluation, set and budget), <c>eval/step-N-SET.json</c>
/// (per-problem samples), <c>prompts.json</c> (the filtered training prompts) and <c>checkpoints/step-N/</c>
/// (an HF folder every command loads, plus the learner and optimiser state for resuming). <c>pipeline eval</c> writes
/// the evaluation files of the same layout (step 0) into a folder of its own, so one reader serves both.
/// </summary>
public sealed class RunDirectory
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public RunDirectory(string path)
        : this(path, withCheckpoints: true)
    {
    }

    private RunDirectory(string path, bool withCheckpoints)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
        if (withCheckpoints) Directory.CreateDirectory(CheckpointsPath);
    }

    /// <summary>A folder that only receives evaluations (<c>pipeline eval</c>): no checkpoints folder.</summary>
    public static RunDirectory ForEvaluation(string path) => new(path, withCheckpoints: false);

    public string Path { get; }
    public string SpecPath => Combine("spec.yaml");
    public string LogPath => Combine("run.log");
    public string MetricsPath => Combine("metrics.jsonl");
    public string EvalPath => Combine("eval.jsonl");
    public string PromptsPath => Combine("prompts.json");
    public string TrainedGroupsPath => Combine("groups.jsonl");
    public string PoliciesPath => Combine("policies");
    public string CheckpointsPath => Combine("checkpoints");

    public string CheckpointPath(int step) => System.IO.Path.Combine(CheckpointsPath, $"step-{step}");

    /// <summary>Steps that have a complete checkpoint (the learner state is written last), ascending.</summary>
    public IReadOnlyList<int> CompleteCheckpoints() =>
        Directory.GetDirectories(CheckpointsPath, "step-*")
            .Where(d => File.Exists(System.IO.Path.Combine(d, LearnerStateFile)))
            .Select(d => int.TryParse(System.IO.Path.GetFileName(d)["step-".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : -1)
            .Where(s => s >= 0).Order().ToList();

    public const string LearnerStateFile = "learner_state.json";

    public void Log(string line)
    {
        var stamped = $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {line}";
        File.AppendAllText(LogPath, stamped + Environment.NewLine);
    }

    public void AppendMetrics(IReadOnlyDictionary<string, double?> metrics) => AppendLine(MetricsPath, ToJson(metrics));

    /// <summary>
    /// Which groups trained step <paramref name="step"/> (id, policy version that sampled them, rollout worker): the
    /// audit trail that shows no group was lost or trained twice.
    /// </summary>
    public void AppendTrainedGroups(int step, IEnumerable<Contracts.V1.ScoredGroup> groups)
    {
        var list = groups.ToList();
        var line = new JsonObject
        {
            ["step"] = step,
            ["groups"] = new JsonArray([.. list.Select(g => (JsonNode)g.Group.Request.GroupId)]),
            ["versions"] = new JsonArray([.. list.Select(g => (JsonNode)g.Group.PolicyVersion)]),
            ["workers"] = new JsonArray([.. list.Select(g => (JsonNode)g.Group.Worker)]),
        };
        AppendLine(TrainedGroupsPath, line);
    }

    public void AppendEvaluation(int step, long version, EvaluationReport report)
    {
        foreach (var b in report.Budgets)
        {
            var line = new JsonObject
            {
                ["step"] = step, ["policy_version"] = version, ["dataset"] = report.Dataset, ["budget"] = b.Budget,
                ["samples"] = report.SamplesPerProblem, ["problems"] = report.Problems,
                ["mean_at_k"] = b.MeanAtK, ["pass_at_k"] = b.PassAtK, ["truncation_rate"] = b.TruncationRate,
                ["mean_length"] = b.Lengths.Overall.Mean, ["mean_length_correct"] = b.Lengths.Correct.Mean,
                ["mean_length_incorrect"] = b.Lengths.Incorrect.Mean, ["median_length"] = b.Lengths.Overall.Median,
                ["p90_length"] = b.Lengths.Overall.P90,
            };
            AppendLine(EvalPath, line);
        }
        var detail = Combine("eval", $"step-{step}-{report.Dataset}.json");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(detail)!);
        File.WriteAllText(detail, JsonSerializer.Serialize(report, Indented));
    }

    /// <summary>
    /// Prepares the files for resuming from the checkpoint of <paramref name="step"/>: metric lines after it and
    /// evaluation lines from it on are dropped (the resumed run evaluates that step again and writes them anew).
    /// </summary>
    public void TruncateForResume(int step)
    {
        TruncateTrainingAfter(step);
        KeepLines(EvalPath, line => Step(line) < step);
    }

    /// <summary>Drops the training lines (metrics, trained groups) after <paramref name="step"/>: a learner that
    /// restarts from that checkpoint writes them anew. Evaluations stay (their evaluator keeps running).</summary>
    public void TruncateTrainingAfter(int step)
    {
        KeepLines(MetricsPath, line => Step(line) <= step);
        KeepLines(TrainedGroupsPath, line => Step(line) <= step);
    }

    public static IReadOnlyList<JsonObject> ReadJsonLines(string path) =>
        File.Exists(path)
            ? File.ReadLines(path).Where(l => l.Trim().Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList()
            : [];

    private static int Step(string line) => JsonNode.Parse(line)?["step"]?.GetValue<int>() ?? int.MaxValue;

    private static void KeepLines(string path, Func<string, bool> keep)
    {
        if (!File.Exists(path)) return;
        var lines = File.ReadAllLines(path).Where(l => l.Trim().Length > 0 && keep(l)).ToList();
        File.WriteAllLines(path, lines);
    }

    private static JsonObject ToJson(IReadOnlyDictionary<string, double?> metrics)
    {
        var json = new JsonObject();
        foreach (var (name, value) in metrics)
        {
            json[name] = value is { } v && double.IsFinite(v) && v == Math.Floor(v) && Math.Abs(v) < 1e15 && IsCount(name)
                ? (long)v
                : value is { } d && double.IsFinite(d) ? d : null;
        }
        return json;
    }

    // Counters and identifiers print as integers.
    private static bool IsCount(string name) =>
        name is "step" or "policy_version" or "rollout_tokens" or "tokens" or "skipped_updates"
        || name.StartsWith("dropped_", StringComparison.Ordinal) || name.StartsWith("duplicate", StringComparison.Ordinal);

    private static void AppendLine(string path, JsonObject line) => File.AppendAllText(path, line.ToJsonString() + "\n");

    private string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);
}
