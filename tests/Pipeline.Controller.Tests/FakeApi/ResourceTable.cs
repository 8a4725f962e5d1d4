namespace Pipeline.Controller.Tests.FakeApi;

/// <summary>One kind of object the fake serves: where it lives in the URL space and what its objects are called.</summary>
/// <param name="Group">API group; "" for the core group (served under /api/v1).</param>
/// <param name="HasStatus">Whether it has a /status subresource: the main resource then ignores status changes and
/// /status ignores everything else, as a real API server does.</param>
public sealed record ResourceType(string Group, string Version, string Plural, string Kind, bool Namespaced, bool HasStatus)
{
    /// <summary>"v1" for the core group, "group/version" otherwise: the apiVersion field of its objects.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>"plural" for the core group, "plural.group" otherwise (kubectl's spelling, e.g. "jobs.batch").</summary>
    public string FullName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public override string ToString() => FullName;
}

/// <summary>The resources a <see cref="FakeApiServer"/> serves. Adding one is one line in <see cref="Default"/>.</summary>
public sealed class ResourceTable
{
    public const string ExperimentGroup = "pipeline.efficient-reasoning.dev";

    public static IReadOnlyList<ResourceType> Default { get; } =
    [
        new(ExperimentGroup, "v1alpha1", "experiments", "Experiment", Namespaced: true, HasStatus: true),
        new("batch", "v1", "jobs", "Job", Namespaced: true, HasStatus: true),
        new("", "v1", "configmaps", "ConfigMap", Namespaced: true, HasStatus: false),
        new("", "v1", "services", "Service", Namespaced: true, HasStatus: true),
        new("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", Namespaced: true, HasStatus: true),
        new("", "v1", "pods", "Pod", Namespaced: true, HasStatus: true),
        new("", "v1", "secrets", "Secret", Namespaced: true, HasStatus: false),
        new("", "v1", "events", "Event", Namespaced: true, HasStatus: false),
        new("events.k8s.io", "v1", "events", "Event", Namespaced: true, HasStatus: false),
        new("coordination.k8s.io", "v1", "leases", "Lease", Namespaced: true, HasStatus: false),
    ];

    private readonly List<ResourceType> _types;

    public ResourceTable(IEnumerable<ResourceType>? types = null) => _types = [.. types ?? Default];

    public IReadOnlyList<ResourceType> Types => _types;

    /// <summary>The resource served at /api(s)/{group}/{version}/.../{plural}, or null.</summary>
    public ResourceType? Find(string group, string version, string plural) =>
        _types.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    /// <summary>
    /// Resolves a test's name for a resource: "jobs", "jobs.batch", "events" (the core one) or
    /// "events.events.k8s.io". A bare plural picks the core group first, then the only match.
    /// </summary>
    public ResourceType Resolve(string name)
    {
        var exact = _types.FirstOrDefault(t => t.FullName == name);
        if (exact is not null) return exact;
        var byPlural = _types.Where(t => t.Plural == name).ToList();
        var core = byPlural.FirstOrDefault(t => t.Group.Length == 0);
        if (core is not null) return core;
        if (byPlural.Count == 1) return byPlural[0];
        throw new ArgumentException(byPlural.Count == 0
            ? $"the fake API server serves no resource called '{name}' (known: {string.Join(", ", _types.Select(t => t.FullName))})"
            : $"'{name}' is ambiguous: say one of {string.Join(", ", byPlural.Select(t => t.FullName))}", nameof(name));
    }
}
