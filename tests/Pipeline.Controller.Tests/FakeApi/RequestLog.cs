namespace Pipeline.Controller.Tests.FakeApi;

/// <summary>One request the fake received.</summary>
/// <param name="Verb">The Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection;
/// for paths that are not resources, the HTTP method in lower case.</param>
/// <param name="Resource">The plural ("jobs", "experiments"), or null for a non-resource path.</param>
/// <param name="Subresource">"status" for /status, else null.</param>
public sealed record RecordedRequest(
    string Method, string Path, string Query, string Verb,
    string? Group, string? Resource, string? Namespace, string? Name, string? Subresource,
    string? ContentType, string Body)
{
    /// <summary>The status code a <see cref="FaultInjector"/> answered instead of serving it, or null.</summary>
    public int? InjectedStatus { get; internal set; }

    public override string ToString() => $"{Verb} {Path}{Query}{(InjectedStatus is { } c ? $" -> injected {c}" : "")}";
}

/// <summary>Every request the fake received, in arrival order; thread-safe.</summary>
public sealed class RequestLog
{
    private readonly List<RecordedRequest> _requests = [];

    internal void Add(RecordedRequest request) { lock (_requests) _requests.Add(request); }

    /// <summary>A snapshot of everything so far.</summary>
    public IReadOnlyList<RecordedRequest> All { get { lock (_requests) return [.. _requests]; } }

    /// <summary>The requests with this verb, optionally on one resource (plural) and subresource.</summary>
    public IReadOnlyList<RecordedRequest> Of(string verb, string? resource = null, string? subresource = null) =>
        [.. All.Where(r => r.Verb == verb && (resource is null || r.Resource == resource)
            && (subresource is null || r.Subresource == subresource))];

    public int Count(string verb, string? resource = null, string? subresource = null) => Of(verb, resource, subresource).Count;

    public void Clear() { lock (_requests) _requests.Clear(); }

    /// <summary>One line per request, for an assertion message.</summary>
    public override string ToString() => string.Join('\n', All);
}
