using System.Text.Json.Nodes;
using k8s;

namespace Pipeline.Controller.Tests.FakeApi;

/// <summary>
/// Direct access for tests: read what a controller wrote, or play another actor (the Job controller, a user
/// with kubectl). Resources are named as in <see cref="ResourceTable.Resolve"/> ("jobs", "experiments",
/// "events.events.k8s.io"). Every change is a real change: new resourceVersion, watch event, finalizers, GC.
/// </summary>
public sealed partial class ObjectStore
{
    /// <summary>A copy of the object, or null.</summary>
    public JsonObject? Get(string resource, string ns, string name)
    {
        var type = Resources.Resolve(resource);
        lock (_gate) return _objects.TryGetValue(new(type, NsFor(type, ns), name), out var o) ? Copy(o) : null;
    }

    /// <summary>The object as a KubernetesClient model (V1Job, V1ConfigMap, ...), or null.</summary>
    public T? Get<T>(string resource, string ns, string name) where T : class =>
        Get(resource, ns, name) is { } o ? KubernetesJson.Deserialize<T>(o.ToJsonString()) : null;

    /// <summary>Copies of the objects of a resource, in one namespace or (null) all, ordered by namespace and name.</summary>
    public IReadOnlyList<JsonObject> List(string resource, string? ns = null)
    {
        var type = Resources.Resolve(resource);
        return List(type, ns is null ? null : NsFor(type, ns), Selector.Everything, Selector.Everything).Items;
    }

    /// <summary>
    /// Creates the object or overwrites the stored one wholesale, status included and without a resourceVersion
    /// check (ADDED or MODIFIED). The namespace comes from the object's metadata ("default" when it has none).
    /// </summary>
    public JsonObject Upsert(string resource, JsonObject obj)
    {
        var type = Resources.Resolve(resource);
        var meta = Metadata(obj);
        var ns = NsFor(type, meta["namespace"]?.GetValue<string>() ?? "default");
        var name = meta["name"]?.GetValue<string>() ?? throw new ArgumentException("Upsert needs metadata.name", nameof(obj));
        lock (_gate)
        {
            var key = new ObjectKey(type, ns, name);
            if (!_objects.TryGetValue(key, out var old))
            {
                var created = Create(type, ns, obj);
                return obj["status"] is { } status ? Commit(key, _objects[key], WithStatus(_objects[key], status)) : created;
            }
            var next = Copy(obj);
            Metadata(next).Remove("resourceVersion");
            return Commit(key, old, next);
        }
    }

    /// <summary>Upsert of a KubernetesClient model (V1Job, V1ConfigMap, ...).</summary>
    public JsonObject Upsert<T>(string resource, T obj) =>
        Upsert(resource, JsonNode.Parse(KubernetesJson.Serialize(obj))!.AsObject());

    /// <summary>A Secret as a user would create it: each value stored as UTF-8 (base64 on the wire).</summary>
    public JsonObject UpsertSecret(string ns, string name, params (string Key, string Value)[] data) =>
        Upsert("secrets", new k8s.Models.V1Secret
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Data = data.ToDictionary(d => d.Key, d => System.Text.Encoding.UTF8.GetBytes(d.Value)),
        });

    /// <summary>Replaces the status of a stored object, as the controller that owns it would (MODIFIED).</summary>
    public JsonObject UpdateStatus(string resource, string ns, string name, JsonObject status) =>
        Modify(resource, ns, name, o => o["status"] = status.DeepClone());

    /// <summary>Changes a stored object in place, anything but server-owned metadata (MODIFIED if it changed).</summary>
    public JsonObject Modify(string resource, string ns, string name, Action<JsonObject> change)
    {
        var type = Resources.Resolve(resource);
        lock (_gate)
        {
            var key = new ObjectKey(type, NsFor(type, ns), name);
            var old = _objects.TryGetValue(key, out var o) ? o : throw StatusErrors.NotFound(type, name);
            var next = Copy(old);
            change(next);
            Metadata(next).Remove("resourceVersion");
            return Commit(key, old, next);
        }
    }

    /// <summary>Deletes as a client would (finalizers and GC apply); false when it was not there.</summary>
    public bool Delete(string resource, string ns, string name, string? propagationPolicy = null)
    {
        var type = Resources.Resolve(resource);
        try { Delete(type, NsFor(type, ns), name, propagationPolicy, out _); return true; }
        catch (ApiException e) when (e.Code == 404) { return false; }
    }

    /// <summary>Forgets the watch history: a watch resuming from an older resourceVersion then gets 410 Gone.</summary>
    public void CompactHistory() { lock (_gate) Watches.Compact(_resourceVersion); }

    private static string NsFor(ResourceType type, string ns) => type.Namespaced ? ns : "";

    private static JsonObject WithStatus(JsonObject obj, JsonNode status)
    {
        var next = Copy(obj);
        next["status"] = status.DeepClone();
        return next;
    }
}
