namespace Pipeline.Controller.Tests.FakeApi;

/// <summary>
/// A request URL taken apart the way the API server does: /api/v1/... (core) or /apis/{group}/{version}/...,
/// then namespaces/{ns}/{plural}[/{name}[/{subresource}]] or {plural}[/{name}[/{subresource}]], with the legacy
/// /watch/ prefix folded into <see cref="WatchPrefix"/>.
/// </summary>
public sealed record ApiPath(string Group, string Version, string Plural, string? Namespace, string? Name, string? Subresource, bool WatchPrefix)
{
    /// <summary>Null when the path is not a resource path (discovery, /version, anything else).</summary>
    public static ApiPath? Parse(string path)
    {
        var parts = path.Trim('/').Split('/');
        int i;
        string group, version;
        if (parts.Length >= 3 && parts[0] == "api") { group = ""; version = parts[1]; i = 2; }
        else if (parts.Length >= 4 && parts[0] == "apis") { group = parts[1]; version = parts[2]; i = 3; }
        else return null;
        var watch = false;
        if (parts[i] == "watch") { watch = true; i++; }
        string? ns = null;
        if (parts.Length - i >= 3 && parts[i] == "namespaces") { ns = parts[i + 1]; i += 2; }
        var rest = parts[i..];
        if (rest.Length is 0 or > 3 || rest.Any(p => p.Length == 0)) return null;
        return new ApiPath(group, version, rest[0], ns, rest.Length > 1 ? rest[1] : null, rest.Length > 2 ? rest[2] : null, watch);
    }

    /// <summary>The Kubernetes verb of an HTTP method on this path: get, list, watch, create, update, patch, delete, deletecollection.</summary>
    public string Verb(string method, bool watchQuery) => method switch
    {
        "GET" when WatchPrefix || watchQuery => "watch",
        "GET" => Name is null ? "list" : "get",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" => Name is null ? "deletecollection" : "delete",
        _ => method.ToLowerInvariant(),
    };
}
