using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;
using Pipeline.Core.Spec;
using Pipeline.Services.Controller.Crd;

namespace Pipeline.Services.Controller.Reconcile;

/// <summary>What the cluster should hold for one experiment.</summary>
public sealed record DesiredObjects(V1ConfigMap Spec, V1PersistentVolumeClaim? RunClaim, IReadOnlyList<V1Service> Services, IReadOnlyList<V1Job> Jobs);

/// <summary>
/// The objects of an experiment as a pure function of its spec, the controller's defaults and which services are to
/// be stopped: a ConfigMap with the spec, the run volume's claim, Services for the learner's and evaluator's gRPC and
/// for metrics, and one Job per service. Every object is owned by the Experiment, so deleting it deletes them.
/// </summary>
public static class DesiredState
{
    public static DesiredObjects Build(ExperimentObject experiment, ControllerOptions options, IReadOnlySet<string> suspended)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        if (!experiment.IsValid) throw new InvalidOperationException($"experiment {experiment.Name} has an invalid spec");
        var spec = experiment.Document!.Spec;
        var configMap = new V1ConfigMap
        {
            ApiVersion = "v1", Kind = "ConfigMap",
            Metadata = Meta(experiment, ServiceNames.SpecConfigMap(experiment.Name), null),
            Data = new Dictionary<string, string> { [PodTemplates.SpecFile] = SpecYaml(experiment) },
        };
        V1PersistentVolumeClaim? claim = null;
        if (spec.Cluster.Storage.ClaimName is not { Length: > 0 })
        {
            var storage = spec.Cluster.Storage;
            claim = new V1PersistentVolumeClaim
            {
                ApiVersion = "v1", Kind = "PersistentVolumeClaim",
                Metadata = Meta(experiment, ServiceNames.RunClaim(experiment.Name), null),
                Spec = new V1PersistentVolumeClaimSpec
                {
                    AccessModes = [EnumNames.Name(storage.AccessMode)],
                    StorageClassName = storage.StorageClassName,
                    Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(storage.Size) } },
                },
            };
        }
        var services = new List<V1Service>
        {
            GrpcService(experiment, ServiceNames.Learner),
            GrpcService(experiment, ServiceNames.Evaluator),
            MetricsService(experiment),
        };
        var jobs = ServiceNames.All.Select(s => Job(experiment, s, options, suspended.Contains(s))).ToList();
        foreach (var item in new IMetadata<V1ObjectMeta>[] { configMap }.Concat(services).Concat(jobs).Concat(claim is null ? [] : [claim]))
            item.Metadata.Annotations = new Dictionary<string, string> { [ExperimentResource.SpecHashAnnotation] = Hash(item) };
        foreach (var job in jobs)
            job.Metadata.Annotations[ExperimentResource.TemplateHashAnnotation] = Hash(new object?[] { job.Spec.Template, job.Spec.BackoffLimit, job.Spec.PodFailurePolicy });
        return new DesiredObjects(configMap, claim, services, jobs);
    }

    /// <summary>The document the services read: the Experiment with its name, namespace and spec, as YAML.</summary>
    public static string SpecYaml(ExperimentObject experiment) =>
        ExperimentObject.DocumentJson(experiment.Name, experiment.Namespace, experiment.Spec).ToJsonString(Indented) + "\n";

    // JSON is valid YAML; indented so `kubectl get configmap -o yaml` stays readable.
    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static V1Job Job(ExperimentObject experiment, string service, ControllerOptions options, bool suspend)
    {
        var spec = experiment.Document!.Spec;
        var pod = PodTemplates.PodSpecOf(spec.Cluster.Services, service);
        var jobSpec = new V1JobSpec
        {
            Template = PodTemplates.Build(experiment, service, options),
            BackoffLimit = pod.BackoffLimit,
            Suspend = suspend,
            PodFailurePolicy = FailurePolicy(service),
            // A finished Job's pods stay for `kubectl logs`; the Job goes with the Experiment.
        };
        switch (service)
        {
            case ServiceNames.Rollout:
                // One pod per index; each reads JOB_COMPLETION_INDEX as its worker number (elastic: both may change together).
                jobSpec.CompletionMode = "Indexed";
                jobSpec.Completions = spec.Rollout.Replicas;
                jobSpec.Parallelism = spec.Rollout.Replicas;
                break;
            case ServiceNames.Reward:
                jobSpec.Parallelism = spec.Cluster.Services.Reward.Replicas;
                break;
            default:
                jobSpec.Completions = 1;
                jobSpec.Parallelism = 1;
                break;
        }
        return new V1Job
        {
            ApiVersion = "batch/v1", Kind = "Job",
            Metadata = Meta(experiment, ServiceNames.Job(experiment.Name, service), service),
            Spec = jobSpec,
        };
    }

    /// <summary>
    /// Exit code 2 means the service refused its configuration (ServiceMain): retrying cannot help, fail at once.
    /// A pod disrupted by the cluster (preemption, eviction, node drain) does not count against backoffLimit.
    /// Anything else (a crash, OOMKilled) counts, and the Job retries up to backoffLimit.
    /// </summary>
    private static V1PodFailurePolicy FailurePolicy(string service) => new()
    {
        Rules =
        [
            new V1PodFailurePolicyRule
            {
                Action = "FailJob",
                OnExitCodes = new V1PodFailurePolicyOnExitCodesRequirement { ContainerName = service, OperatorProperty = "In", Values = [2] },
            },
            new V1PodFailurePolicyRule
            {
                Action = "Ignore",
                OnPodConditions = [new V1PodFailurePolicyOnPodConditionsPattern { Type = "DisruptionTarget", Status = "True" }],
            },
        ],
    };

    private static V1Service GrpcService(ExperimentObject experiment, string service) => new()
    {
        ApiVersion = "v1", Kind = "Service",
        Metadata = Meta(experiment, ServiceNames.GrpcService(experiment.Name, service), service),
        Spec = new V1ServiceSpec
        {
            Selector = Labels.Selector(experiment.Name, service),
            Ports = [new V1ServicePort { Name = "grpc", Port = ServiceNames.GrpcPort, TargetPort = ServiceNames.GrpcPort, AppProtocol = "kubernetes.io/h2c" }],
        },
    };

    /// <summary>Headless, over every pod of the experiment: what the chart's ServiceMonitor scrapes.</summary>
    private static V1Service MetricsService(ExperimentObject experiment)
    {
        var metadata = Meta(experiment, ServiceNames.MetricsService(experiment.Name), "experiment");
        return new V1Service
        {
            ApiVersion = "v1", Kind = "Service",
            Metadata = metadata,
            Spec = new V1ServiceSpec
            {
                ClusterIP = "None",
                Selector = Labels.Selector(experiment.Name),
                Ports = [new V1ServicePort { Name = "metrics", Port = ServiceNames.MetricsPort, TargetPort = ServiceNames.MetricsPort }],
            },
        };
    }

    private static V1ObjectMeta Meta(ExperimentObject experiment, string name, string? component)
    {
        var labels = component is null ? Labels.ForExperiment(experiment) : Labels.ForService(experiment, component);
        return new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = experiment.Namespace,
            Labels = labels,
            OwnerReferences = [experiment.OwnerReference()],
        };
    }

    /// <summary>A short hash of the object as built (before the hash annotation is added).</summary>
    public static string Hash(object item)
    {
        var json = KubernetesJson.Serialize(item);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..16];
    }
}
