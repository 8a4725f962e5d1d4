using k8s.Models;
using Pipeline.Core.Spec;
using Pipeline.Services.Controller.Cluster;
using Pipeline.Services.Controller.Crd;

namespace Pipeline.Services.Controller.Reconcile;

/// <summary>
/// The pod of one service: image, arguments (the same options `pipeline run --distributed` passes), volumes,
/// resources, placement and a locked-down security context (non-root, read-only root filesystem).
/// </summary>
internal static class PodTemplates
{
    public const string SpecMount = "/etc/pipeline";
    public const string SpecFile = "experiment.yaml";
    public const string RunMount = "/data";
    public const string KafkaCaMount = "/etc/pipeline/kafka-ca";
    public const int NonRootUser = 65532;

    public static string RunDirectory(string experiment) => $"{RunMount}/runs/{experiment}";

    public static V1PodTemplateSpec Build(ExperimentObject experiment, string service, ControllerOptions options)
    {
        var spec = experiment.Document!.Spec;
        var cluster = spec.Cluster;
        var pod = PodSpecOf(cluster.Services, service);
        var mountsRun = service is ServiceNames.Learner or ServiceNames.Evaluator
            || (cluster.PolicySync == PolicySync.Volume && service == ServiceNames.Rollout);
        var volumes = new List<V1Volume>
        {
            new() { Name = "spec", ConfigMap = new V1ConfigMapVolumeSource { Name = ServiceNames.SpecConfigMap(experiment.Name) } },
            new() { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() },
        };
        var mounts = new List<V1VolumeMount>
        {
            new() { Name = "spec", MountPath = SpecMount, ReadOnlyProperty = true },
            new() { Name = "tmp", MountPath = "/tmp" },
        };
        if (mountsRun)
        {
            volumes.Add(new V1Volume { Name = "run", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = RunClaimName(experiment) } });
            mounts.Add(new V1VolumeMount { Name = "run", MountPath = RunMount });
        }
        if (cluster.Models is { } models)
        {
            volumes.Add(new V1Volume { Name = "models", PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = models.ClaimName, ReadOnlyProperty = true } });
            mounts.Add(new V1VolumeMount { Name = "models", MountPath = models.MountPath, ReadOnlyProperty = true });
        }
        if (cluster.Kafka.CaSecret is { Length: > 0 } ca)
        {
            volumes.Add(new V1Volume { Name = "kafka-ca", Secret = new V1SecretVolumeSource { SecretName = ca } });
            mounts.Add(new V1VolumeMount { Name = "kafka-ca", MountPath = KafkaCaMount, ReadOnlyProperty = true });
        }

        var container = new V1Container
        {
            Name = service,
            Image = Image(cluster.Image, service, options.Images),
            ImagePullPolicy = EnumNames.Name(cluster.Image.PullPolicy),
            Args = Arguments(experiment, service, mountsRun, options),
            Env = Environment(cluster.Kafka),
            Ports =
            [
                new V1ContainerPort { Name = "grpc", ContainerPort = ServiceNames.GrpcPort },
                new V1ContainerPort { Name = "metrics", ContainerPort = ServiceNames.MetricsPort },
            ],
            // Kubernetes' own gRPC probe asks the service's grpc.health.v1 endpoint.
            ReadinessProbe = new V1Probe { Grpc = new V1GRPCAction { Port = ServiceNames.GrpcPort }, PeriodSeconds = 10 },
            Resources = Resources(pod),
            VolumeMounts = mounts,
            // A service that cannot start prints why and exits 2; the last lines of its log become the message the
            // controller puts into the Failed condition.
            TerminationMessagePolicy = "FallbackToLogsOnError",
            SecurityContext = new V1SecurityContext
            {
                RunAsNonRoot = true,
                RunAsUser = NonRootUser,
                RunAsGroup = NonRootUser,
                ReadOnlyRootFilesystem = true,
                AllowPrivilegeEscalation = false,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
                SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
            },
        };
        return new V1PodTemplateSpec
        {
            Metadata = new V1ObjectMeta { Labels = Labels.ForService(experiment, service) },
            Spec = new V1PodSpec
            {
                Containers = [container],
                // The Job, not the kubelet, restarts a failed pod: that is what backoffLimit and podFailurePolicy count.
                RestartPolicy = "Never",
                Volumes = volumes,
                NodeSelector = pod.NodeSelector,
                Tolerations = pod.Tolerations.Count == 0 ? null : pod.Tolerations.Select(Toleration).ToList(),
                ImagePullSecrets = cluster.Image.PullSecrets.Count == 0 ? null : cluster.Image.PullSecrets.Select(s => new V1LocalObjectReference { Name = s }).ToList(),
                // The run volume is writable by the non-root user.
                SecurityContext = new V1PodSecurityContext { FsGroup = NonRootUser, RunAsNonRoot = true },
                AutomountServiceAccountToken = false,
                EnableServiceLinks = false,
            },
        };
    }

    public static string RunClaimName(ExperimentObject experiment) =>
        experiment.Document!.Spec.Cluster.Storage.ClaimName is { Length: > 0 } claim ? claim : ServiceNames.RunClaim(experiment.Name);

    public static ServicePodSpec PodSpecOf(ServicesSpec services, string service) => service switch
    {
        ServiceNames.Rollout => services.Rollout,
        ServiceNames.Reward => services.Reward,
        ServiceNames.Learner => services.Learner,
        ServiceNames.Evaluator => services.Evaluator,
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, "not a service"),
    };

    /// <summary><c>&lt;registry&gt;/pipeline-&lt;service&gt;:&lt;tag&gt;</c>, with <c>-cuda</c> for the torch services' CUDA build.</summary>
    public static string Image(ImageSpec image, string service, ImageDefaults defaults)
    {
        var registry = (image.Registry is { Length: > 0 } r ? r : defaults.Registry).TrimEnd('/');
        var tag = image.Tag is { Length: > 0 } t ? t : defaults.Tag;
        var variant = image.Variant ?? (EnumNames.TryParse<ImageVariant>(defaults.Variant, out var v) ? v : ImageVariant.Cpu);
        var cuda = variant == ImageVariant.Cuda && service != ServiceNames.Reward;
        return $"{registry}/pipeline-{service}:{tag}{(cuda ? "-cuda" : "")}";
    }

    private static List<string> Arguments(ExperimentObject experiment, string service, bool mountsRun, ControllerOptions options)
    {
        var spec = experiment.Document!.Spec;
        var kafka = spec.Cluster.Kafka;
        var args = new List<string>
        {
            $"--spec={SpecMount}/{SpecFile}",
            "--Service:BindAddress=0.0.0.0",
            $"--Service:GrpcPort={ServiceNames.GrpcPort}",
            $"--Service:MetricsPort={ServiceNames.MetricsPort}",
            "--Service:LogFormat=json",
            $"--Kafka:BootstrapServers={BootstrapServers(kafka, options)}",
            $"--Kafka:Namespace={experiment.Namespace}",
            // The controller made the topics (with the spec's partitions); a service's own Admin call then finds them.
            $"--Kafka:Provisioning={(options.CreateTopics ? "Admin" : "AutoCreate")}",
        };
        if (mountsRun) args.Add($"--run-dir={RunDirectory(experiment.Name)}");
        // The same security settings the controller's own clients use (KafkaConnections).
        args.AddRange(KafkaConnections.Settings(new Dictionary<string, string>(), kafka).Select(s => $"--Kafka:Settings:{s.Key}={s.Value}"));
        if (kafka.SaslMechanism is not null)
        {
            // $(VAR) is expanded by the kubelet from the container's environment (the Secret), never stored in the Job.
            args.Add("--Kafka:Settings:sasl.username=$(KAFKA_USERNAME)");
            args.Add("--Kafka:Settings:sasl.password=$(KAFKA_PASSWORD)");
        }
        if (kafka.CaSecret is { Length: > 0 }) args.Add($"--Kafka:Settings:ssl.ca.location={KafkaCaMount}/{KafkaConnections.CaKey}");

        var pod = PodSpecOf(spec.Cluster.Services, service);
        var section = char.ToUpperInvariant(service[0]) + service[1..];
        if (service != ServiceNames.Reward && pod.Threads > 0) args.Add($"--{section}:Threads={pod.Threads}");
        if (service is ServiceNames.Learner or ServiceNames.Evaluator) args.Add($"--{section}:ExitWhenDone=true");
        // The evaluator mounts the run volume and reads every version there, also after the learner has finished and
        // exited; rollout workers without the volume stream the weights from the learner.
        if (service == ServiceNames.Rollout && spec.Cluster.PolicySync == PolicySync.Grpc)
        {
            args.Add($"--Policy:LearnerAddress=http://{ServiceNames.GrpcService(experiment.Name, ServiceNames.Learner)}:{ServiceNames.GrpcPort}");
            args.Add("--Policy:Stream=true");
            args.Add("--Policy:Cache=/tmp/policy-cache");
        }
        return args;
    }

    public static string BootstrapServers(ClusterKafkaSpec kafka, ControllerOptions options) =>
        kafka.BootstrapServers is { Length: > 0 } servers ? servers : options.Kafka.BootstrapServers ?? "";

    private static List<V1EnvVar>? Environment(ClusterKafkaSpec kafka)
    {
        if (kafka.SaslMechanism is null || kafka.CredentialsSecret is not { Length: > 0 } secret) return null;
        return
        [
            new V1EnvVar { Name = "KAFKA_USERNAME", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = KafkaConnections.UsernameKey } } },
            new V1EnvVar { Name = "KAFKA_PASSWORD", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = KafkaConnections.PasswordKey } } },
        ];
    }

    private static V1ResourceRequirements Resources(ServicePodSpec pod)
    {
        var requests = new Dictionary<string, ResourceQuantity>();
        var limits = new Dictionary<string, ResourceQuantity>();
        if (pod.Cpu is { Length: > 0 } cpu) requests["cpu"] = new ResourceQuantity(cpu);
        if (pod.Memory is { Length: > 0 } memory)
        {
            requests["memory"] = new ResourceQuantity(memory);
            limits["memory"] = new ResourceQuantity(memory);
        }
        if (pod.Gpus > 0) limits["nvidia.com/gpu"] = new ResourceQuantity(pod.Gpus.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new V1ResourceRequirements { Requests = requests.Count == 0 ? null : requests, Limits = limits.Count == 0 ? null : limits };
    }

    private static V1Toleration Toleration(TolerationSpec t) => new()
    {
        Key = t.Key,
        OperatorProperty = EnumNames.Name(t.Operator),
        Value = t.Value,
        Effect = t.Effect is { } effect ? EnumNames.Name(effect) : null,
        TolerationSeconds = t.TolerationSeconds,
    };
}
