namespace Pipeline.Services.Controller.Crd;

/// <summary>The condition types of an Experiment.</summary>
public static class ConditionTypes
{
    /// <summary>The experiment's objects (ConfigMap, Services, Jobs) exist.</summary>
    public const string Created = "Created";

    /// <summary>The learner is running.</summary>
    public const string Running = "Running";

    /// <summary>Every Job is suspended (spec.suspend).</summary>
    public const string Suspended = "Suspended";

    /// <summary>The learner finished every step and the evaluator the final evaluation. Final.</summary>
    public const string Succeeded = "Succeeded";

    /// <summary>The experiment cannot go on. Final, except for InvalidSpec, which clears when the spec is fixed.</summary>
    public const string Failed = "Failed";

    /// <summary>Something is wrong but the experiment may recover (Kafka unreachable, pods retrying, API errors).</summary>
    public const string Degraded = "Degraded";
}

/// <summary>Why a condition is what it is: the documented reason constants (docs/kubernetes.md lists them).</summary>
public static class ConditionReasons
{
    public const string InvalidSpec = "InvalidSpec";
    public const string JobsCreated = "JobsCreated";
    public const string WaitingForPods = "WaitingForPods";
    public const string LearnerRunning = "LearnerRunning";
    public const string Suspended = "Suspended";
    public const string NotSuspended = "NotSuspended";
    public const string Completed = "Completed";
    public const string DeadlineExceeded = "DeadlineExceeded";
    public const string BackoffLimitExceeded = "BackoffLimitExceeded";
    public const string ConfigurationError = "ConfigurationError";
    public const string JobFailed = "JobFailed";
    public const string KafkaUnavailable = "KafkaUnavailable";
    public const string KafkaMisconfigured = "KafkaMisconfigured";
    public const string PodsRetrying = "PodsRetrying";
    public const string ImagePullFailed = "ImagePullFailed";
    public const string PodConfigError = "PodConfigError";
    public const string PodsUnschedulable = "PodsUnschedulable";
    public const string ApiError = "ApiError";
    public const string ClusterSettingsChanged = "ClusterSettingsChanged";
    public const string AsExpected = "AsExpected";

    /// <summary>An event's reason, not a condition's: the topics finalizer gave up because the experiment's Kafka
    /// settings could no longer be resolved (its Secret was deleted first).</summary>
    public const string TopicsNotDeleted = "TopicsNotDeleted";
}

/// <summary>The values of status.phase.</summary>
public static class Phases
{
    public const string Pending = "Pending";
    public const string Running = "Running";
    public const string Suspended = "Suspended";
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";

    public static IReadOnlyList<string> All { get; } = [Pending, Running, Suspended, Succeeded, Failed];
}
