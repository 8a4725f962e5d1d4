using Pipeline.Core.Spec;

namespace Pipeline.Services.Controller;

/// <summary>The <c>Controller</c> configuration section (<c>--Controller:Namespace=ml</c>, <c>PIPELINE_Controller__Namespace</c>).</summary>
public sealed class ControllerOptions
{
    public const string Section = "Controller";

    /// <summary>Watch only this namespace (the chart's namespaced mode); empty watches every namespace.</summary>
    public string? Namespace { get; set; }

    /// <summary>The API server's URL; empty uses the pod's service account in a cluster, else ~/.kube/config.</summary>
    public string? ApiServer { get; set; }

    /// <summary>Image defaults for experiments that do not set spec.cluster.image.</summary>
    public ImageDefaults Images { get; set; } = new();

    /// <summary>Kafka defaults for experiments that do not set spec.cluster.kafka.bootstrapServers.</summary>
    public KafkaDefaults Kafka { get; set; } = new();

    public LeaderElectionOptions LeaderElection { get; set; } = new();

    /// <summary>How often a running experiment's progress is read from its learner and evaluator.</summary>
    public int ProgressIntervalSeconds { get; set; } = 15;

    /// <summary>A fixed gRPC address for every experiment's learner and evaluator (tests, port-forwarding); empty:
    /// http://&lt;experiment&gt;-learner.&lt;namespace&gt;.svc:5050 and the evaluator's likewise.</summary>
    public string? ProgressAddress { get; set; }

    /// <summary>Create topics through the Kafka Admin API (true in a cluster; false when the brokers auto-create them).</summary>
    public bool CreateTopics { get; set; } = true;

    /// <summary>Read an experiment's spec.cluster.kafka credentialsSecret and caSecret for the controller's own Kafka
    /// clients (needs get on Secrets); false: the controller connects with its own --Kafka:Settings only.</summary>
    public bool ReadKafkaSecrets { get; set; } = true;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Images.Registry)) errors.Add($"{Section}:Images:Registry: required (e.g. ghcr.io/efficient-reasoning)");
        if (string.IsNullOrWhiteSpace(Images.Tag)) errors.Add($"{Section}:Images:Tag: required (e.g. 0.1.0)");
        if (!EnumNames.TryParse<ImageVariant>(Images.Variant, out _)) errors.Add($"{Section}:Images:Variant: '{Images.Variant}' is not cpu or cuda");
        if (ProgressIntervalSeconds < 1) errors.Add($"{Section}:ProgressIntervalSeconds: must be ≥ 1, got {ProgressIntervalSeconds}");
        if (ApiServer is { Length: > 0 } url && !Uri.TryCreate(url, UriKind.Absolute, out _)) errors.Add($"{Section}:ApiServer: '{url}' is not a URL");
        if (LeaderElection.Enabled && string.IsNullOrWhiteSpace(LeaderElection.LeaseNamespace))
            errors.Add($"{Section}:LeaderElection:LeaseNamespace: required with leader election (the chart passes the pod's namespace)");
        return errors;
    }
}

public sealed class ImageDefaults
{
    public string Registry { get; set; } = "ghcr.io/efficient-reasoning";
    public string Tag { get; set; } = "0.1.0";
    public string Variant { get; set; } = "cpu";
}

public sealed class KafkaDefaults
{
    /// <summary>host:port list used when an experiment does not name its own.</summary>
    public string? BootstrapServers { get; set; }
}

public sealed class LeaderElectionOptions
{
    public bool Enabled { get; set; }
    public string LeaseName { get; set; } = "pipeline-controller";
    public string? LeaseNamespace { get; set; }
    /// <summary>This replica's name in the lease; defaults to POD_NAME (the chart sets it), else host name plus a GUID.</summary>
    public string? Identity { get; set; }
    public int LeaseDurationSeconds { get; set; } = 15;
    public int RenewDeadlineSeconds { get; set; } = 10;
    public int RetryPeriodSeconds { get; set; } = 2;
}
