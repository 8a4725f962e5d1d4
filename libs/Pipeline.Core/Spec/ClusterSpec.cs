using System.ComponentModel;
using System.Runtime.Serialization;

namespace Pipeline.Core.Spec;

// The cluster half of the spec: how the controller turns an Experiment into Kubernetes objects. `pipeline run`
// validates these fields and otherwise ignores them, so one file runs on a laptop and in a cluster. Every empty
// value falls back to the controller's own setting (the Helm chart's values).

public sealed class ClusterSpec
{
    [Description("Container images of the services. Default: the controller's registry, tag and variant.")]
    public ImageSpec Image { get; set; } = new();

    [Description("The Kafka cluster the services talk through. Default: the controller's bootstrap servers, no security.")]
    public ClusterKafkaSpec Kafka { get; set; } = new();

    [Description("The run volume (checkpoints, policy versions, metrics, evaluations), mounted at /data by the learner and the evaluator (and, with policySync volume, by rollouts).")]
    public StorageSpec Storage { get; set; } = new();

    [Description("An existing volume holding model folders and data files, mounted read-only. Default: none (the images ship the tiny model under /opt/pipeline/models).")]
    public ModelVolumeSpec? Models { get; set; }

    [Description("How rollout workers get new policy weights: grpc streams them from the learner (no shared volume needed); volume reads them from the run volume (ReadWriteMany). The evaluator always reads them from the run volume. Default grpc.")]
    public PolicySync PolicySync { get; set; } = PolicySync.Grpc;

    [Description("Per-service pods: resources, placement, retries.")]
    public ServicesSpec Services { get; set; } = new();
}

public enum PolicySync
{
    [EnumMember(Value = "grpc")] Grpc,
    [EnumMember(Value = "volume")] Volume,
}

public enum ImageVariant
{
    [EnumMember(Value = "cpu")] Cpu,
    [EnumMember(Value = "cuda")] Cuda,
}

public enum PullPolicy
{
    [EnumMember(Value = "IfNotPresent")] IfNotPresent,
    [EnumMember(Value = "Always")] Always,
    [EnumMember(Value = "Never")] Never,
}

public sealed class ImageSpec
{
    [Description("Registry and path prefix; images are <registry>/pipeline-<service>:<tag>[-cuda]. Default: the controller's.")]
    [Pattern(@"^[a-z0-9]([-a-z0-9._:/]*[a-z0-9])?$", "is not a registry path such as ghcr.io/efficient-reasoning")]
    public string? Registry { get; set; }

    [Description("Image tag. Default: the controller's (its own version).")]
    [Pattern(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", "is not an image tag such as 0.1.0")]
    public string? Tag { get; set; }

    [Description("cpu or cuda: which build of the torch services (rollout, learner, evaluator) runs. Default: the controller's.")]
    public ImageVariant? Variant { get; set; }

    [Description("Image pull policy: IfNotPresent, Always or Never. Default IfNotPresent.")]
    public PullPolicy PullPolicy { get; set; } = PullPolicy.IfNotPresent;

    [Description("Names of Secrets in the experiment's namespace used to pull the images. Default: none.")]
    [Items(MaxCount = 16)]
    public List<string> PullSecrets { get; set; } = [];
}

public enum KafkaSecurityProtocol
{
    [EnumMember(Value = "PLAINTEXT")] Plaintext,
    [EnumMember(Value = "SSL")] Ssl,
    [EnumMember(Value = "SASL_PLAINTEXT")] SaslPlaintext,
    [EnumMember(Value = "SASL_SSL")] SaslSsl,
}

public enum KafkaSaslMechanism
{
    [EnumMember(Value = "PLAIN")] Plain,
    [EnumMember(Value = "SCRAM-SHA-256")] ScramSha256,
    [EnumMember(Value = "SCRAM-SHA-512")] ScramSha512,
}

[CelRule("!self.securityProtocol.startsWith('SASL') || (has(self.saslMechanism) && has(self.credentialsSecret))",
    "SASL needs saslMechanism and credentialsSecret", FieldPath = ".credentialsSecret")]
public sealed class ClusterKafkaSpec
{
    [Description("Comma-separated host:port list. Default: the controller's (the chart's kafka.bootstrapServers).")]
    [Pattern(@"^[^,:\s]+:[0-9]{1,5}(,[^,:\s]+:[0-9]{1,5})*$", "is not host:port[,host:port...]")]
    public string? BootstrapServers { get; set; }

    [Description("PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL (librdkafka's security.protocol). Default PLAINTEXT.")]
    public KafkaSecurityProtocol SecurityProtocol { get; set; } = KafkaSecurityProtocol.Plaintext;

    [Description("SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. Required with a SASL protocol.")]
    public KafkaSaslMechanism? SaslMechanism { get; set; }

    [Description("Name of a Secret in the experiment's namespace with keys 'username' and 'password'. Required with a SASL protocol. The services' pods read it, and the controller creates and deletes the topics with it.")]
    [Pattern(@"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", "is not a Secret name")]
    public string? CredentialsSecret { get; set; }

    [Description("Name of a Secret with key 'ca.crt': the CA that signed the brokers' certificates (SSL, SASL_SSL); the controller uses it too. Default: the system's CAs.")]
    [Pattern(@"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", "is not a Secret name")]
    public string? CaSecret { get; set; }

    [Description("Partitions of each data topic (prompts, rollouts, scored). Default 3.")]
    [Bounds(Minimum = 1, Maximum = 1000)]
    public int Partitions { get; set; } = 3;

    [Description("Replication factor of every topic. Default 3.")]
    [Bounds(Minimum = 1, Maximum = 10)]
    public int ReplicationFactor { get; set; } = 3;

    [Description("Delete the experiment's topics when the Experiment is deleted (a finalizer waits for it). Default false: topics stay for inspection.")]
    public bool DeleteTopics { get; set; }
}

public enum VolumeAccessMode
{
    [EnumMember(Value = "ReadWriteMany")] ReadWriteMany,
    [EnumMember(Value = "ReadWriteOnce")] ReadWriteOnce,
}

public sealed class StorageSpec
{
    [Description("An existing PersistentVolumeClaim to use. Default: the controller creates '<experiment>-run', owned by the Experiment.")]
    [Pattern(@"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", "is not a PersistentVolumeClaim name")]
    public string? ClaimName { get; set; }

    [Description("Size of the claim the controller creates. Default 20Gi.")]
    [Pattern(Quantity.Regex, "is not a Kubernetes quantity such as 20Gi")]
    public string Size { get; set; } = "20Gi";

    [Description("Storage class of the claim the controller creates. Default: the cluster's default class.")]
    public string? StorageClassName { get; set; }

    [Description("Access mode of the claim the controller creates: ReadWriteMany (pods on any node) or ReadWriteOnce (learner and evaluator must share a node). Default ReadWriteMany.")]
    public VolumeAccessMode AccessMode { get; set; } = VolumeAccessMode.ReadWriteMany;
}

[CelRule("self.mountPath != '/data' && self.mountPath != '/tmp'", "the run volume is at /data and scratch space at /tmp; choose another path such as /models", FieldPath = ".mountPath")]
public sealed class ModelVolumeSpec
{
    [Description("An existing PersistentVolumeClaim with the model folders (and data files). Required.")]
    [RequiredField("a PersistentVolumeClaim name such as 'models'")]
    [Pattern(@"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$", "is not a PersistentVolumeClaim name")]
    public string ClaimName { get; set; } = "";

    [Description("Where it is mounted (read-only); spec.model.path and file sources refer to it. Default /models.")]
    [Pattern(@"^/[^:]*$", "is not an absolute path")]
    public string MountPath { get; set; } = "/models";
}

public sealed class ServicesSpec
{
    [Description("Rollout workers (an indexed Job of spec.rollout.replicas pods).")]
    public ServicePodSpec Rollout { get; set; } = new();

    [Description("Reward workers (CPU only).")]
    public RewardPodSpec Reward { get; set; } = new();

    [Description("The learner (one pod).")]
    public ServicePodSpec Learner { get; set; } = new();

    [Description("The evaluator (one pod).")]
    public ServicePodSpec Evaluator { get; set; } = new();
}

/// <summary>What every service's pods may set.</summary>
public class ServicePodSpec
{
    [Description("NVIDIA GPUs per pod (nvidia.com/gpu). Default 0.")]
    [Bounds(Minimum = 0, Maximum = 16)]
    public int Gpus { get; set; }

    [Description("CPU request per pod, a Kubernetes quantity (e.g. '4', '500m'). Default: none.")]
    [Pattern(Quantity.Regex, "is not a Kubernetes quantity such as 4 or 500m")]
    public string? Cpu { get; set; }

    [Description("Memory request and limit per pod, a Kubernetes quantity (e.g. '24Gi'). Default: none.")]
    [Pattern(Quantity.Regex, "is not a Kubernetes quantity such as 24Gi")]
    public string? Memory { get; set; }

    [Description("Node labels the pods must match. Default: none.")]
    public Dictionary<string, string>? NodeSelector { get; set; }

    [Description("Taints the pods tolerate (e.g. nvidia.com/gpu). Default: none.")]
    [Items(MaxCount = 32)]
    public List<TolerationSpec> Tolerations { get; set; } = [];

    [Description("Retries of a pod that fails with a retryable error (a crash, out of memory) before the experiment fails. Evictions and preemptions do not count; configuration errors (exit code 2) fail at once. Default 3.")]
    [Bounds(Minimum = 0, Maximum = 100)]
    public int BackoffLimit { get; set; } = 3;

    [Description("LibTorch intra-op threads; 0 is one per core. Default 0.")]
    [Bounds(Minimum = 0, Maximum = 1024)]
    public int Threads { get; set; }
}

public sealed class RewardPodSpec : ServicePodSpec
{
    [Description("Reward workers. Default 1.")]
    [Bounds(Minimum = 1, Maximum = 256)]
    public int Replicas { get; set; } = 1;
}

public enum TolerationOperator
{
    [EnumMember(Value = "Equal")] Equal,
    [EnumMember(Value = "Exists")] Exists,
}

public enum TaintEffect
{
    [EnumMember(Value = "NoSchedule")] NoSchedule,
    [EnumMember(Value = "PreferNoSchedule")] PreferNoSchedule,
    [EnumMember(Value = "NoExecute")] NoExecute,
}

[CelRule("self.operator != 'Exists' || !has(self.value)", "a toleration with operator Exists takes no value", FieldPath = ".value")]
public sealed class TolerationSpec
{
    [Description("Taint key; empty with operator Exists tolerates every taint.")]
    public string? Key { get; set; }

    [Description("Equal or Exists. Default Equal.")]
    public TolerationOperator Operator { get; set; } = TolerationOperator.Equal;

    [Description("Taint value (operator Equal).")]
    public string? Value { get; set; }

    [Description("NoSchedule, PreferNoSchedule or NoExecute. Default: every effect.")]
    public TaintEffect? Effect { get; set; }

    [Description("How long a NoExecute taint is tolerated. Default: forever.")]
    [Bounds(Minimum = 0)]
    public int? TolerationSeconds { get; set; }
}

/// <summary>Kubernetes resource quantities.</summary>
public static class Quantity
{
    /// <summary>The API server's own quantity syntax (k8s.io/apimachinery resource.Quantity).</summary>
    public const string Regex = @"^([+-]?[0-9.]+)([eEinumkKMGTPi]*[-+]?[0-9]*)$";
}
