using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pipeline.Chart.Tests;

/// <summary>The Grafana dashboard ConfigMap: valid JSON, loaded verbatim from dashboards/, and every metric it
/// queries is one a service or the controller really exports.</summary>
public partial class DashboardTests
{
    private static readonly string[] HistogramSeries = ["_bucket", "_sum", "_count"];

    [Fact]
    public void Dashboard_configmap_holds_the_dashboard_file_for_the_grafana_sidecar()
    {
        var configMap = Dashboard();
        Assert.Equal("1", configMap.Get("metadata", "labels", "grafana_dashboard"));
        var json = (string)configMap.Get("data", "pipeline-rl.json")!;
        var file = File.ReadAllText(RepoPaths.InRepo("charts/pipeline/dashboards/pipeline-rl.json"));
        Assert.Equal(file.TrimEnd(), json.TrimEnd());
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("Pipeline RL", doc.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public void Every_queried_metric_exists_in_the_services_or_controller_source()
    {
        var metrics = QueriedMetrics();
        var source = string.Join('\n', Directory.GetFiles(RepoPaths.InRepo("services"), "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText));
        var missing = metrics.Where(m => !Exported(m, source)).ToList();
        Assert.True(missing.Count == 0,
            $"the dashboard queries metrics no file under services/ exports (as a quoted name; _bucket/_sum/_count only of a histogram): {string.Join(", ", missing)}");
    }

    [Fact]
    public void Dashboard_covers_training_rollouts_evaluation_and_the_controller()
    {
        var metrics = QueriedMetrics();
        string[] expected =
        [
            "pipeline_learner_reward_mean", "pipeline_learner_accuracy_ratio", "pipeline_learner_truncation_ratio",
            "pipeline_learner_response_length_tokens_sum", "pipeline_rollout_tokens_per_second",
            "pipeline_learner_policy_version", "pipeline_rollout_policy_version", "pipeline_learner_group_staleness_steps_bucket",
            "pipeline_rollout_consumer_lag_messages", "pipeline_reward_consumer_lag_messages", "pipeline_learner_consumer_lag_messages",
            "pipeline_evaluator_mean_at_k_ratio", "pipeline_controller_experiments", "pipeline_controller_reconciles_total",
        ];
        Assert.Empty(expected.Except(metrics));
        Assert.Contains("sum by (phase) (pipeline_controller_experiments)", Exprs(), StringComparer.Ordinal);
    }

    private static bool Exported(string metric, string source)
    {
        if (source.Contains($"\"{metric}\"", StringComparison.Ordinal)) return true;
        var suffix = HistogramSeries.FirstOrDefault(s => metric.EndsWith(s, StringComparison.Ordinal));
        return suffix is not null
            && Regex.IsMatch(source, $@"CreateHistogram\(\s*""{Regex.Escape(metric[..^suffix.Length])}""");
    }

    private static Manifest Dashboard() => Rendered.With("metrics-enabled-values.yaml").Single("ConfigMap", "pipeline-dashboards");

    private static SortedSet<string> QueriedMetrics() =>
        new(Exprs().SelectMany(e => MetricName().Matches(e).Select(m => m.Value)), StringComparer.Ordinal);

    /// <summary>Every PromQL expression: panel targets (rows' nested panels too) and template variable queries.</summary>
    private static List<string> Exprs()
    {
        using var doc = JsonDocument.Parse((string)Dashboard().Get("data", "pipeline-rl.json")!);
        var exprs = new List<string>();
        Collect(doc.RootElement, exprs);
        Assert.NotEmpty(exprs);
        return exprs;
    }

    private static void Collect(JsonElement e, List<string> into)
    {
        if (e.ValueKind == JsonValueKind.Array)
        {
            foreach (var x in e.EnumerateArray()) Collect(x, into);
        }
        else if (e.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in e.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.String && p.Name is "expr" or "definition" or "query") into.Add(p.Value.GetString()!);
                else Collect(p.Value, into);
            }
        }
    }

    [GeneratedRegex(@"\bpipeline_[a-z0-9_]+")]
    private static partial Regex MetricName();
}
