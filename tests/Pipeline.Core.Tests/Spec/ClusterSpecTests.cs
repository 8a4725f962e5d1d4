using Pipeline.Core.Spec;

namespace Pipeline.Core.Tests.Spec;

public class ClusterSpecTests
{
    private const string Header = """
        apiVersion: pipeline.efficient-reasoning.dev/v1alpha1
        kind: Experiment
        metadata: { name: c }
        spec:
          model: { path: models/tiny-reasoner }
          data: { train: { source: "synthetic:arith" } }

        """;

    private static List<string> Errors(string spec) => SpecLoader.Load(Header + spec).Errors.Select(e => e.ToString()).ToList();

    [Fact]
    public void ClusterFields_BindWithTheirDefaults()
    {
        var loaded = SpecLoader.Load(Header + """
              suspend: true
              activeDeadlineSeconds: 3600
              cluster:
                image: { registry: ghcr.io/acme, tag: "1.2.3", variant: cuda }
                kafka: { bootstrapServers: "k1:9092,k2:9092", securityProtocol: SASL_SSL, saslMechanism: SCRAM-SHA-512, credentialsSecret: kafka-creds, deleteTopics: true }
                models: { claimName: models }
                services:
                  rollout: { gpus: 1, memory: 24Gi, nodeSelector: { gpu: a100 }, tolerations: [ { key: nvidia.com/gpu, operator: Exists, effect: NoSchedule } ] }
                  reward: { replicas: 2, cpu: 500m }
            """);
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        var spec = loaded.Document!.Spec;
        Assert.True(spec.Suspend);
        Assert.Equal(3600, spec.ActiveDeadlineSeconds);
        Assert.Equal(ImageVariant.Cuda, spec.Cluster.Image.Variant);
        Assert.Equal(KafkaSaslMechanism.ScramSha512, spec.Cluster.Kafka.SaslMechanism);
        Assert.Equal(3, spec.Cluster.Kafka.Partitions);
        Assert.Equal("/models", spec.Cluster.Models!.MountPath);
        Assert.Equal("20Gi", spec.Cluster.Storage.Size);
        Assert.Equal(PolicySync.Grpc, spec.Cluster.PolicySync);
        Assert.Equal(2, spec.Cluster.Services.Reward.Replicas);
        Assert.Equal(3, spec.Cluster.Services.Learner.BackoffLimit);
        Assert.Equal(TolerationOperator.Exists, spec.Cluster.Services.Rollout.Tolerations[0].Operator);
    }

    [Fact]
    public void BadClusterFields_AreEachReportedWithTheirPath()
    {
        var errors = Errors("""
              activeDeadlineSeconds: 0
              cluster:
                image: { registry: "Not A Registry" }
                kafka: { bootstrapServers: "kafka", securityProtocol: SASL_PLAINTEXT, partitions: 0 }
                storage: { size: "lots" }
                models: { claimName: "", mountPath: /data }
                services:
                  rollout: { gpus: -1, tolerations: [ { key: k, operator: Exists, value: v } ] }
                  reward: { replicas: 0 }
            """);
        Assert.Contains(errors, e => e.StartsWith("spec.activeDeadlineSeconds: must be ≥ 1, got 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.cluster.image.registry: 'Not A Registry' is not a registry path", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.cluster.kafka.bootstrapServers: 'kafka' is not host:port", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.cluster.kafka.partitions: must be in [1, 1000], got 0", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.cluster.kafka.credentialsSecret: SASL needs saslMechanism and credentialsSecret", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.cluster.storage.size: 'lots' is not a Kubernetes quantity", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.cluster.models.claimName: required; expected a PersistentVolumeClaim name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.cluster.models.mountPath: '/data' is taken", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.cluster.services.rollout.gpus: must be in [0, 16], got -1", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.cluster.services.rollout.tolerations[0].value: a toleration with operator Exists takes no value", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("spec.cluster.services.reward.replicas: must be in [1, 256], got 0", StringComparison.Ordinal));
        // Each with the line it sits on.
        Assert.All(errors, e => Assert.Contains("(line ", e, StringComparison.Ordinal));
    }

    [Fact]
    public void UnknownClusterField_SuggestsTheNearestName()
    {
        var errors = Errors("""
              cluster:
                kafka: { bootstrapServer: "k:9092" }
            """);
        Assert.Contains(errors, e => e.Contains("spec.cluster.kafka.bootstrapServer: unknown field 'bootstrapServer'; did you mean 'bootstrapServers'?", StringComparison.Ordinal));
    }

    [Fact]
    public void EmptyBudgetList_IsRejected()
    {
        var errors = Errors("""
              evaluation: { budgets: [] }
            """);
        Assert.Contains(errors, e => e.StartsWith("spec.evaluation.budgets: must list at least one item", StringComparison.Ordinal));
    }
}
