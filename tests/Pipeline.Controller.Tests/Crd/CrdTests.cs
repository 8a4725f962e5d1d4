using System.Reflection;
using Pipeline.Core.Spec;
using Pipeline.Services.Controller.Crd;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Controller.Tests.Crd;

public sealed class CrdTests
{
    [Fact]
    public void ChartCopy_IsTheGeneratedCrd()
    {
        var path = RepoPaths.InRepo(CrdGenerator.ChartPath);
        Assert.True(File.ReadAllText(path) == CrdGenerator.Yaml(),
            $"{path} is out of date; regenerate it with: make crd");
    }

    [Fact]
    public void EveryReasonConstant_IsDocumented()
    {
        var docs = File.ReadAllText(RepoPaths.InRepo("docs/kubernetes.md"));
        var reasons = typeof(ConditionReasons).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.NotEmpty(reasons);
        var undocumented = reasons.Where(r => !docs.Contains($"`{r}`", StringComparison.Ordinal)).ToList();
        Assert.True(undocumented.Count == 0, $"docs/kubernetes.md does not name: {string.Join(", ", undocumented)}");
    }

    [Fact]
    public void EverySpecField_HasADescription_ForKubectlExplain()
    {
        var spec = Schema()["spec"];
        var missing = new List<string>();
        Walk(spec, "spec", missing);
        Assert.Empty(missing);
        Assert.Contains("L_T", Field("spec.reward.shaping.targetTokens")["description"].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Schema_CarriesDefaultsEnumsRangesAndPatterns()
    {
        Assert.Equal("8", Field("spec.rollout.groupSize")["default"].ToString());
        Assert.Equal("2", Field("spec.rollout.groupSize")["minimum"].ToString());
        Assert.Equal("true", Field("spec.rollout.topP")["exclusiveMinimum"].ToString());
        Assert.Contains("dr-grpo", ((YamlSequenceNode)Field("spec.optimizer.algorithm")["enum"]).Children.Select(c => c.ToString()));
        Assert.Equal("grpc", Field("spec.cluster.policySync")["default"].ToString());
        Assert.Equal(Quantity.Regex, Field("spec.cluster.storage.size")["pattern"].ToString());
        Assert.Equal("map", Field("spec.data.eval")["x-kubernetes-list-type"].ToString());
        Assert.Contains("self == oldSelf", ((YamlSequenceNode)Field("spec.optimizer")["x-kubernetes-validations"]).Children.Select(r => ((YamlMappingNode)r)["rule"].ToString()));
        Assert.DoesNotContain(new YamlScalarNode("x-kubernetes-validations"), Field("spec.rollout.replicas").Children.Keys);
    }

    /// <summary>Each CEL rule and the C# validator agree: a spec that breaks the rule is rejected by SpecValidator at
    /// the rule's field (the API server evaluates the CEL; no API server runs here, so this pairs them by hand).</summary>
    [Theory]
    [InlineData(typeof(ExperimentSpec), "spec", "optimizer: { microBatchTokens: 64 }\n  rollout: { maxTokens: 128 }")]
    [InlineData(typeof(DataSourceSpec), "spec.data.train", "data: { train: { source: \"synthetic:arith\", promptTemplate: \"no placeholder\" } }")]
    [InlineData(typeof(PassRateFilterSpec), "spec.data.filter.passRate", "data: { train: { source: \"synthetic:arith\" }, filter: { passRate: { samples: 4 } } }")]
    [InlineData(typeof(OptimizerSpec), "spec.optimizer", "optimizer: { promptsPerStep: 2, miniBatches: 4 }")]
    [InlineData(typeof(EvaluationSpec), "spec.evaluation", "evaluation: { budgets: [64, 32] }")]
    [InlineData(typeof(ClusterKafkaSpec), "spec.cluster.kafka", "cluster: { kafka: { securityProtocol: SASL_SSL } }")]
    [InlineData(typeof(ModelVolumeSpec), "spec.cluster.models", "cluster: { models: { claimName: m, mountPath: /tmp } }")]
    [InlineData(typeof(TolerationSpec), "spec.cluster.services.rollout.tolerations[0]", "cluster: { services: { rollout: { tolerations: [ { key: k, operator: Exists, value: v } ] } } }")]
    public void EveryCelRule_HasTheSameCheckInTheValidator(Type type, string path, string breaking)
    {
        var rules = type.GetCustomAttributes<CelRuleAttribute>().ToList();
        Assert.NotEmpty(rules);
        var yaml = "apiVersion: pipeline.efficient-reasoning.dev/v1alpha1\nkind: Experiment\nmetadata: { name: x }\nspec:\n  model: { path: m }\n  "
            + (breaking.StartsWith("data:", StringComparison.Ordinal) ? "" : "data: { train: { source: \"synthetic:arith\" } }\n  ") + breaking + "\n";
        var errors = SpecLoader.Load(yaml).Errors;
        var fields = rules.Select(r => path + (r.FieldPath ?? "")).ToList();
        Assert.True(errors.Any(e => fields.Any(f => e.Path == f || e.Path.StartsWith(f + "[", StringComparison.Ordinal)) || e.Path == path),
            $"no validator error at {string.Join(" or ", fields)}; got: {string.Join("; ", errors)}");
    }

    [Fact]
    public void EveryTypeWithCelRules_IsCoveredAbove()
    {
        var covered = typeof(CrdTests).GetMethod(nameof(EveryCelRule_HasTheSameCheckInTheValidator))!.GetCustomAttributes<InlineDataAttribute>()
            .Select(a => (Type)a.GetData(null!).First()[0]).ToHashSet();
        var withRules = typeof(ExperimentSpec).Assembly.GetTypes().Where(t => t.GetCustomAttributes<CelRuleAttribute>().Any());
        Assert.All(withRules, t => Assert.Contains(t, covered));
    }

    private static YamlMappingNode Schema()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(CrdGenerator.Yaml()));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var version = (YamlMappingNode)((YamlSequenceNode)((YamlMappingNode)root["spec"])["versions"]).Children[0];
        return (YamlMappingNode)((YamlMappingNode)((YamlMappingNode)version["schema"])["openAPIV3Schema"])["properties"];
    }

    private static YamlMappingNode Field(string path)
    {
        var parts = path.Split('.');
        var node = (YamlMappingNode)Schema()[parts[0]];
        foreach (var part in parts.Skip(1))
        {
            if (node["type"].ToString() == "array") node = (YamlMappingNode)node["items"];
            node = (YamlMappingNode)((YamlMappingNode)node["properties"])[part];
        }
        return node;
    }

    private static void Walk(YamlNode node, string path, List<string> missing)
    {
        var map = (YamlMappingNode)node;
        if (!map.Children.ContainsKey("description")) missing.Add(path);
        if (map.Children.TryGetValue("items", out var items) && ((YamlMappingNode)items).Children.ContainsKey("properties")) node = items;
        if (((YamlMappingNode)node).Children.TryGetValue("properties", out var properties))
        {
            foreach (var (key, child) in ((YamlMappingNode)properties).Children) Walk(child, $"{path}.{key}", missing);
        }
    }
}
