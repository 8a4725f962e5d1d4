using System.Text.Json.Nodes;
using k8s;
using Pipeline.Core.Spec;
using Pipeline.Services.Controller;
using Pipeline.Services.Controller.Reconcile;
using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Chart.Tests;

/// <summary>
/// The objects the controller creates for the chart's example Experiments (ConfigMap, claim, Services, Jobs with
/// podFailurePolicy, gRPC probes, GPU limits, tolerations) pass the Kubernetes OpenAPI schemas, as the chart does.
/// </summary>
public class ControllerObjectsTests
{
    [Theory]
    [InlineData("quickstart-cpu.yaml")]
    [InlineData("qwen3-0.6b-gpu.yaml")]
    public void DesiredObjects_ForEachExample_PassTheKubernetesSchemas(string example)
    {
        var experiment = Load(example);
        Assert.True(experiment.IsValid, string.Join("; ", experiment.Problems));
        var desired = DesiredState.Build(experiment, new ControllerOptions { Kafka = { BootstrapServers = "kafka.kafka:9092" } }, new HashSet<string>());
        var objects = new object?[] { desired.Spec, desired.RunClaim }.Concat(desired.Services).Concat(desired.Jobs).Where(o => o is not null);
        var stream = string.Join("---\n", objects.Select(o => KubernetesJson.Serialize(o) + "\n"));
        var result = Tools.Validate(["-"], stream);
        Assert.True(result.ExitCode == 0, $"k8s-validate found problems in the controller's objects for {example}:{Environment.NewLine}{result.Describe()}");
    }

    [Fact]
    public void GpuExample_RequestsGpus_AndRunsRolloutsAsAnIndexedJob()
    {
        var experiment = Load("qwen3-0.6b-gpu.yaml");
        var desired = DesiredState.Build(experiment, new ControllerOptions(), new HashSet<string>());
        var rollout = desired.Jobs.Single(j => j.Metadata.Name.EndsWith("-rollout", StringComparison.Ordinal));
        Assert.Equal("Indexed", rollout.Spec.CompletionMode);
        Assert.Equal(experiment.Document!.Spec.Rollout.Replicas, rollout.Spec.Parallelism);
        var learner = desired.Jobs.Single(j => j.Metadata.Name.EndsWith("-learner", StringComparison.Ordinal)).Spec.Template.Spec;
        Assert.Equal("1", learner.Containers[0].Resources.Limits["nvidia.com/gpu"].ToString());
        Assert.EndsWith("-cuda", learner.Containers[0].Image, StringComparison.Ordinal);
        Assert.NotEmpty(learner.Tolerations);
        Assert.Contains("--Learner:ExitWhenDone=true", learner.Containers[0].Args);
        Assert.Contains(learner.Containers[0].Args, a => a.StartsWith("--Kafka:Settings:sasl.password=$(KAFKA_PASSWORD)", StringComparison.Ordinal));
        var reward = desired.Jobs.Single(j => j.Metadata.Name.EndsWith("-reward", StringComparison.Ordinal)).Spec.Template.Spec;
        Assert.DoesNotContain("cuda", reward.Containers[0].Image, StringComparison.Ordinal);
    }

    private static ExperimentObject Load(string example)
    {
        var yaml = File.ReadAllText(RepoPaths.InRepo($"charts/pipeline/examples/{example}"));
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var resource = ToJson(stream.Documents[0].RootNode)!;
        resource["metadata"]!["namespace"] ??= "ml";
        resource["metadata"]!["uid"] = "00000000-0000-0000-0000-000000000001";
        return ExperimentObject.Parse(resource);
    }

    // YAML as the API server stores it: plain scalars typed (YAML 1.2 core schema), quoted ones strings.
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: var v } when long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: var v } when double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" or "false" } b => JsonValue.Create(b.Value == "true"),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "null" or "~" or "" } => null,
        YamlScalarNode s => JsonValue.Create(s.Value),
        _ => throw new NotSupportedException(node.NodeType.ToString()),
    };
}
