using Pipeline.Core.Spec;

namespace Pipeline.Services.Controller.Crd;

/// <summary>Names of the Experiment custom resource and of the labels and annotations the controller writes.</summary>
public static class ExperimentResource
{
    public const string Group = "pipeline.efficient-reasoning.dev";
    public const string Version = "v1alpha1";
    public const string ApiVersion = ExperimentDocument.ApiVersionValue;
    public const string Kind = ExperimentDocument.KindValue;
    public const string Plural = "experiments";
    public const string Singular = "experiment";
    public const string ShortName = "exp";
    public const string CrdName = Plural + "." + Group;

    /// <summary>On every object an experiment owns: which experiment.</summary>
    public const string ExperimentLabel = Group + "/experiment";

    /// <summary>On every object an experiment owns: which service (learner, rollout, ...), where it is one.</summary>
    public const string ComponentLabel = "app.kubernetes.io/component";

    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedBy = "pipeline-controller";
    public const string PartOfLabel = "app.kubernetes.io/part-of";
    public const string PartOf = "pipeline";

    /// <summary>Holds the experiment's Kafka topics until they are deleted (only with <c>cluster.kafka.deleteTopics</c>).</summary>
    public const string TopicsFinalizer = Group + "/topics";

    /// <summary>On each owned object: a hash of what it was built from, so a changed spec is seen without deep comparison.</summary>
    public const string SpecHashAnnotation = Group + "/spec-hash";

    /// <summary>On each Job: a hash of its pod template and retry settings, which a running Job cannot change.</summary>
    public const string TemplateHashAnnotation = Group + "/template-hash";
}
