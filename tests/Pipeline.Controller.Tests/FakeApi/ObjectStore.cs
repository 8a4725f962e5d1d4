using System.Globalization;
using System.Text.Json.Nodes;
using k8s;

namespace Pipeline.Controller.Tests.FakeApi;

/// <summary>
/// The fake API server's objects, as JSON, with the bookkeeping a real server does: uid, resourceVersion (one
/// global counter), creationTimestamp, generation, deletionTimestamp, finalizers and owner-reference garbage
/// collection. Every change is published to the <see cref="WatchHub"/>. One lock guards everything; objects are
/// copied on the way in and out, so callers never share a node with the store.
/// The verbs the HTTP endpoints use throw <see cref="ApiException"/>; the test hooks (Get, Upsert, UpdateStatus,
/// Modify, List, Delete by resource name) are for tests that play another controller or inspect the result.
/// </summary>
public sealed partial class ObjectStore
{
    private readonly object _gate = new();
    private readonly Dictionary<ObjectKey, JsonObject> _objects = [];
    private long _resourceVersion;

    public ObjectStore(ResourceTable resources, int historyCapacity = 10_000, TimeProvider? clock = null)
    {
        Resources = resources;
        Watches = new WatchHub(historyCapacity);
        Clock = clock ?? TimeProvider.System;
    }

    public ResourceTable Resources { get; }
    public WatchHub Watches { get; }
    public TimeProvider Clock { get; }

    /// <summary>The newest resourceVersion handed out.</summary>
    public long ResourceVersion { get { lock (_gate) return _resourceVersion; } }

    private readonly record struct ObjectKey(ResourceType Type, string Namespace, string Name);

    // ---------------------------------------------------------------- reads

    public JsonObject GetOrThrow(ResourceType type, string ns, string name)
    {
        lock (_gate)
            return _objects.TryGetValue(new(type, ns, name), out var o) ? Copy(o) : throw StatusErrors.NotFound(type, name);
    }

    /// <summary>The matching objects (ordered by namespace, then name) and the resourceVersion they are current at.</summary>
    public (long ResourceVersion, List<JsonObject> Items) List(ResourceType type, string? ns, Selector labels, Selector fields)
    {
        lock (_gate)
        {
            var items = _objects
                .Where(kv => kv.Key.Type == type && (ns is null || kv.Key.Namespace == ns))
                .OrderBy(kv => kv.Key.Namespace, StringComparer.Ordinal).ThenBy(kv => kv.Key.Name, StringComparer.Ordinal)
                .Select(kv => kv.Value)
                .Where(o => labels.Matches(o) && fields.Matches(o))
                .Select(Copy)
                .ToList();
            return (_resourceVersion, items);
        }
    }

    /// <summary>Opens a watch; see <see cref="WatchHub.Subscribe"/>. Without a resourceVersion (or "0") the current objects come first.</summary>
    public WatchSubscription Watch(WatchFilter filter, string? resourceVersion)
    {
        lock (_gate)
        {
            long? from = null;
            if (!string.IsNullOrEmpty(resourceVersion) && resourceVersion != "0")
            {
                if (!long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var rv))
                    throw StatusErrors.BadRequest($"invalid resourceVersion '{resourceVersion}'");
                from = rv;
            }
            var initial = from is null
                ? List(filter.Resource, filter.Namespace, filter.Labels, filter.Fields).Items
                    .Select(o => new WatchEvent(RvOf(o), "ADDED", filter.Resource, NamespaceOf(o), o))
                    .ToList()
                : [];
            return Watches.Subscribe(filter, from, initial);
        }
    }

    public void Unwatch(WatchSubscription sub) { lock (_gate) Watches.Unsubscribe(sub); }

    // ---------------------------------------------------------------- create / update

    /// <summary>POST: names it (generateName), stamps the server-set metadata, 409 AlreadyExists if taken.</summary>
    public JsonObject Create(ResourceType type, string ns, JsonObject body)
    {
        lock (_gate)
        {
            var obj = Copy(body);
            var meta = Metadata(obj);
            CheckNamespace(type, ns, meta);
            var name = meta["name"]?.GetValue<string>();
            if (string.IsNullOrEmpty(name))
            {
                var prefix = meta["generateName"]?.GetValue<string>();
                if (string.IsNullOrEmpty(prefix))
                    throw StatusErrors.Invalid(type, "", "metadata.name: Required value: name or generateName is required");
                do name = prefix + RandomSuffix(); while (_objects.ContainsKey(new(type, ns, name)));
                meta["name"] = name;
            }
            var key = new ObjectKey(type, ns, name);
            if (_objects.ContainsKey(key)) throw StatusErrors.AlreadyExists(type, name);
            obj["apiVersion"] = type.ApiVersion;
            obj["kind"] = type.Kind;
            // A real server ignores the status sent with a create when the resource has a status subresource.
            if (type.HasStatus) obj.Remove("status");
            if (type.Namespaced) meta["namespace"] = ns;
            meta["uid"] = Guid.NewGuid().ToString();
            meta["creationTimestamp"] = Now();
            meta["generation"] = 1;
            meta.Remove("deletionTimestamp");
            meta.Remove("deletionGracePeriodSeconds");
            var created = Store(key, obj, "ADDED");
            // The garbage collector again: an object created for owners that are all gone (a controller acting on an
            // owner it read just before its deletion) is deleted right after (ADDED, then DELETED).
            if (meta["ownerReferences"] is JsonArray { Count: > 0 } owners && owners.All(o => !UidExists(o?["uid"]?.GetValue<string>())))
                Remove(key);
            return created;
        }
    }

    private bool UidExists(string? uid) => uid is not null && _objects.Values.Any(o => o["metadata"]?["uid"]?.GetValue<string>() == uid);

    /// <summary>
    /// PUT on the object (<paramref name="statusOnly"/> false) or on /status (true). A resourceVersion in the body
    /// must be the stored one (409 Conflict otherwise); without one the update is unconditional.
    /// </summary>
    public JsonObject Replace(ResourceType type, string ns, string name, JsonObject body, bool statusOnly)
    {
        lock (_gate)
        {
            var key = new ObjectKey(type, ns, name);
            var old = _objects.TryGetValue(key, out var o) ? o : throw StatusErrors.NotFound(type, name);
            var meta = Metadata(body);
            CheckNamespace(type, ns, meta);
            if (meta["name"]?.GetValue<string>() is { } bodyName && bodyName != name)
                throw StatusErrors.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
            return Update(key, old, body, statusOnly);
        }
    }

    /// <summary>PATCH on the object or on /status; see <see cref="Patches"/> for the media types.</summary>
    public JsonObject Patch(ResourceType type, string ns, string name, string contentType, JsonNode? patch, bool statusOnly)
    {
        lock (_gate)
        {
            var key = new ObjectKey(type, ns, name);
            var old = _objects.TryGetValue(key, out var o) ? o : throw StatusErrors.NotFound(type, name);
            return Update(key, old, Patches.Apply(old, contentType, patch), statusOnly);
        }
    }

    private JsonObject Update(ObjectKey key, JsonObject old, JsonObject proposed, bool statusOnly)
    {
        var type = key.Type;
        var oldMeta = Metadata(old);
        var sentRv = Metadata(proposed)["resourceVersion"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(sentRv) && sentRv != oldMeta["resourceVersion"]?.GetValue<string>())
            throw StatusErrors.Conflict(type, key.Name, "the object has been modified; please apply your changes to the latest version and try again");

        JsonObject next;
        if (statusOnly)
        {
            if (!type.HasStatus) throw StatusErrors.NotFound(type, key.Name + "/status");
            // /status changes the status and nothing else.
            next = Copy(old);
            if (proposed["status"] is { } status) next["status"] = status.DeepClone(); else next.Remove("status");
        }
        else
        {
            next = Copy(proposed);
            // The main resource of a type with a status subresource keeps the stored status.
            if (type.HasStatus)
            {
                if (old["status"] is { } status) next["status"] = status.DeepClone(); else next.Remove("status");
            }
        }

        return Commit(key, old, next);
    }

    /// <summary>Stores <paramref name="next"/> over <paramref name="old"/>, keeping what the server owns.</summary>
    private JsonObject Commit(ObjectKey key, JsonObject old, JsonObject next)
    {
        var type = key.Type;
        var oldMeta = Metadata(old);
        // What the server owns cannot be changed by a client.
        var meta = Metadata(next);
        next["apiVersion"] = type.ApiVersion;
        next["kind"] = type.Kind;
        foreach (var field in new[] { "name", "namespace", "uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds" })
        {
            if (oldMeta[field] is { } v) meta[field] = v.DeepClone(); else meta.Remove(field);
        }
        meta["resourceVersion"] = oldMeta["resourceVersion"]?.DeepClone();
        if (!JsonNode.DeepEquals(WithoutMetadataAndStatus(old), WithoutMetadataAndStatus(next)))
            meta["generation"] = AsLong(oldMeta["generation"]) + 1;

        // An update that changes nothing is not a change: no new resourceVersion, no watch event.
        if (JsonNode.DeepEquals(old, next)) return Copy(old);
        var stored = Store(key, next, "MODIFIED");
        // The last finalizer is gone from an object being deleted: now it goes.
        return meta["deletionTimestamp"] is not null && !HasFinalizers(next) ? Remove(key) : stored;
    }

    // ---------------------------------------------------------------- delete

    /// <summary>
    /// DELETE. With finalizers the object only gets a deletionTimestamp (MODIFIED) and is removed when an update
    /// empties them; otherwise it is removed (DELETED). Returns the object while it waits for its finalizers and
    /// null once it is gone (the endpoint then answers a Status Success, as a real server does).
    /// propagationPolicy: Background (default) and Foreground delete the dependents (objects whose
    /// ownerReferences name the object's uid), recursively; Orphan strips those ownerReferences instead.
    /// </summary>
    public JsonObject? Delete(ResourceType type, string ns, string name, string? propagationPolicy, out string uid)
    {
        lock (_gate)
        {
            var key = new ObjectKey(type, ns, name);
            var obj = _objects.TryGetValue(key, out var o) ? o : throw StatusErrors.NotFound(type, name);
            uid = Metadata(obj)["uid"]?.GetValue<string>() ?? "";
            switch (propagationPolicy)
            {
                case null or "" or "Background" or "Foreground":
                    break;
                case "Orphan":
                    Orphan(uid);
                    break;
                default:
                    throw StatusErrors.BadRequest($"unknown propagationPolicy '{propagationPolicy}': Orphan, Foreground or Background");
            }
            if (propagationPolicy == "Foreground") DeleteDependents(uid);
            if (!HasFinalizers(obj))
            {
                Remove(key);
                return null;
            }
            if (Metadata(obj)["deletionTimestamp"] is null)
            {
                var next = Copy(obj);
                Metadata(next)["deletionTimestamp"] = Now();
                Metadata(next)["deletionGracePeriodSeconds"] = 0;
                return Store(key, next, "MODIFIED");
            }
            return Copy(obj);
        }
    }

    /// <summary>Removes the object (DELETED), then its dependents; returns its last state.</summary>
    private JsonObject Remove(ObjectKey key)
    {
        var obj = _objects[key];
        _objects.Remove(key);
        Metadata(obj)["resourceVersion"] = Next();
        Watches.Publish(new WatchEvent(RvOf(obj), "DELETED", key.Type, key.Namespace, Copy(obj)));
        // The garbage collector: a dependent goes when its owner has gone (the real one does it shortly after,
        // in the background; here it happens before the request returns, so a test never has to wait for it).
        DeleteDependents(Metadata(obj)["uid"]?.GetValue<string>() ?? "");
        return Copy(obj);
    }

    private void DeleteDependents(string uid)
    {
        foreach (var key in DependentsOf(uid))
        {
            if (!_objects.TryGetValue(key, out var dep)) continue; // already gone through another path
            if (!HasFinalizers(dep)) Remove(key);
            else if (Metadata(dep)["deletionTimestamp"] is null)
            {
                var next = Copy(dep);
                Metadata(next)["deletionTimestamp"] = Now();
                Metadata(next)["deletionGracePeriodSeconds"] = 0;
                Store(key, next, "MODIFIED");
            }
        }
    }

    private void Orphan(string uid)
    {
        foreach (var key in DependentsOf(uid))
        {
            var next = Copy(_objects[key]);
            var refs = (JsonArray)Metadata(next)["ownerReferences"]!;
            foreach (var r in refs.Where(r => r?["uid"]?.GetValue<string>() == uid).ToList()) refs.Remove(r);
            if (refs.Count == 0) Metadata(next).Remove("ownerReferences");
            Store(key, next, "MODIFIED");
        }
    }

    private List<ObjectKey> DependentsOf(string uid) =>
        uid.Length == 0 ? [] : [.. _objects
            .Where(kv => kv.Value["metadata"]?["ownerReferences"] is JsonArray refs
                && refs.Any(r => r?["uid"]?.GetValue<string>() == uid))
            .Select(kv => kv.Key)];

    // ---------------------------------------------------------------- helpers

    private JsonObject Store(ObjectKey key, JsonObject obj, string eventType)
    {
        var previous = _objects.TryGetValue(key, out var old) ? old : null;
        Metadata(obj)["resourceVersion"] = Next();
        _objects[key] = obj;
        Watches.Publish(new WatchEvent(RvOf(obj), eventType, key.Type, key.Namespace, Copy(obj), previous));
        return Copy(obj);
    }

    private string Next() => (++_resourceVersion).ToString(CultureInfo.InvariantCulture);

    private string Now() => Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789"; // the real server's: no vowels, no look-alikes
        return string.Concat(Enumerable.Range(0, 5).Select(_ => alphabet[Random.Shared.Next(alphabet.Length)]));
    }

    private static void CheckNamespace(ResourceType type, string ns, JsonObject meta)
    {
        if (!type.Namespaced) return;
        var bodyNs = meta["namespace"]?.GetValue<string>();
        if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
            throw StatusErrors.BadRequest($"the namespace of the provided object ({bodyNs}) does not match the namespace sent on the request ({ns})");
    }

    private static bool HasFinalizers(JsonObject obj) => obj["metadata"]?["finalizers"] is JsonArray { Count: > 0 };

    private static JsonObject WithoutMetadataAndStatus(JsonObject obj)
    {
        var copy = Copy(obj);
        copy.Remove("metadata");
        copy.Remove("status");
        return copy;
    }

    internal static JsonObject Metadata(JsonObject obj)
    {
        if (obj["metadata"] is JsonObject meta) return meta;
        meta = [];
        obj["metadata"] = meta;
        return meta;
    }

    /// <summary>A number whether it was parsed from a request (a JsonElement) or set here (an int or long).</summary>
    private static long AsLong(JsonNode? node) =>
        node is null ? 0 : long.Parse(node.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture);

    private static JsonObject Copy(JsonObject obj) => (JsonObject)obj.DeepClone();

    private static long RvOf(JsonObject obj) =>
        long.Parse(obj["metadata"]!["resourceVersion"]!.GetValue<string>(), CultureInfo.InvariantCulture);

    private static string NamespaceOf(JsonObject obj) => obj["metadata"]?["namespace"]?.GetValue<string>() ?? "";
}
