namespace Pipeline.Tests;

/// <summary>
/// What the controller is allowed to do, as "group/resource[/subresource] verb": the chart's RBAC must grant exactly
/// this (Pipeline.Chart.Tests.RbacTests), and every call the controller makes in its tests against the fake API
/// server must be in it (Pipeline.Controller.Tests), so the two cannot drift apart.
/// </summary>
internal static class ControllerRbac
{
    public const string Group = "pipeline.efficient-reasoning.dev";

    /// <summary>Granted by the controller's (Cluster)Role.</summary>
    public static readonly IReadOnlyList<(string Group, string[] Resources, string[] Verbs)> Rules =
    [
        (Group, ["experiments"], ["get", "list", "watch", "patch"]),
        (Group, ["experiments/status"], ["patch"]),
        // Owner references with blockOwnerDeletion need update on the owner's finalizers (OwnerReferencesPermissionEnforcement).
        (Group, ["experiments/finalizers"], ["update"]),
        ("batch", ["jobs"], ["list", "watch", "create", "patch"]),
        ("", ["configmaps"], ["get", "create", "update"]),
        ("", ["services", "persistentvolumeclaims"], ["create"]),
        ("", ["pods"], ["list"]),
        // An experiment's Kafka credentials and CA (spec.cluster.kafka.credentialsSecret, caSecret), read by name only;
        // the chart leaves this rule out with kafka.readExperimentSecrets=false (Pipeline.Chart.Tests.RbacTests).
        ("", ["secrets"], ["get"]),
        ("", ["events"], ["create"]),
    ];

    /// <summary>Granted by the leader-election Role in the release namespace.</summary>
    public static readonly IReadOnlyList<(string Group, string[] Resources, string[] Verbs)> LeaseRules =
    [
        ("coordination.k8s.io", ["leases"], ["get", "create", "update"]),
    ];

    public static SortedSet<string> Expand(IEnumerable<(string Group, string[] Resources, string[] Verbs)> rules) =>
        new(rules.SelectMany(r => r.Resources.SelectMany(res => r.Verbs.Select(v => $"{r.Group}/{res} {v}"))), StringComparer.Ordinal);
}
