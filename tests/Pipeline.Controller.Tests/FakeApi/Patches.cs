using System.Text.Json.Nodes;

namespace Pipeline.Controller.Tests.FakeApi;

/// <summary>
/// The PATCH flavours a Kubernetes client sends, applied to a copy of the stored object.
/// JSON Patch (RFC 6902) is hand-written: the operations are few and the only JSON Patch packages for .NET
/// either work on Newtonsoft's JToken or are not served by the local NuGet mirror; System.Text.Json has none.
/// </summary>
public static class Patches
{
    public const string JsonPatch = "application/json-patch+json";
    public const string MergePatch = "application/merge-patch+json";
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";
    public const string ApplyPatch = "application/apply-patch+yaml";

    /// <summary>Applies a patch body of the given media type to <paramref name="target"/> and returns the result.</summary>
    public static JsonObject Apply(JsonObject target, string contentType, JsonNode? patch)
    {
        var mediaType = contentType.Split(';')[0].Trim().ToLowerInvariant();
        switch (mediaType)
        {
            case MergePatch:
            // Strategic merge patch is treated as a JSON merge patch. The difference is in lists: a strategic patch
            // merges lists of objects by a key the Go types declare (containers by name, conditions by type, ...)
            // where a merge patch replaces the whole list. A controller that patches a list this way must send the
            // whole list for the fake to agree with a real server.
            case StrategicMergePatch:
                return MergeObject(target, patch as JsonObject
                    ?? throw StatusErrors.BadRequest("a merge patch must be a JSON object"));
            case JsonPatch:
                return ApplyJsonPatch(target, patch as JsonArray
                    ?? throw StatusErrors.BadRequest("a JSON patch must be a JSON array of operations"));
            default:
                throw StatusErrors.UnsupportedMediaType(contentType);
        }
    }

    /// <summary>RFC 7386: objects merge key by key, null deletes a key, anything else replaces.</summary>
    public static JsonObject MergeObject(JsonObject target, JsonObject patch)
    {
        var result = (JsonObject)target.DeepClone();
        MergeInto(result, patch);
        return result;
    }

    private static void MergeInto(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is null) target.Remove(key);
            else if (value is JsonObject po && target[key] is JsonObject to) MergeInto(to, po);
            else if (value is JsonObject po2) { var fresh = new JsonObject(); MergeInto(fresh, po2); target[key] = fresh; }
            else target[key] = value.DeepClone();
        }
    }

    /// <summary>RFC 6902: add, remove, replace, test, move and copy, each at a JSON Pointer (RFC 6901).</summary>
    public static JsonObject ApplyJsonPatch(JsonObject target, JsonArray operations)
    {
        JsonNode result = target.DeepClone();
        foreach (var node in operations)
        {
            var op = node as JsonObject ?? throw StatusErrors.BadRequest("each JSON patch operation must be an object");
            var name = op["op"]?.GetValue<string>() ?? throw StatusErrors.BadRequest("JSON patch operation without 'op'");
            var path = op["path"]?.GetValue<string>() ?? throw StatusErrors.BadRequest($"JSON patch '{name}' without 'path'");
            switch (name)
            {
                case "add": result = Add(result, path, Value(op)); break;
                case "remove": result = Remove(result, path, out _); break;
                case "replace": result = Remove(result, path, out _); result = Add(result, path, Value(op)); break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(result, path), op["value"]))
                        throw StatusErrors.Invalid(null, path, $"test operation failed: the value at {path} is not {op["value"]?.ToJsonString() ?? "null"}");
                    break;
                case "move":
                    result = Remove(result, From(op), out var moved);
                    result = Add(result, path, moved);
                    break;
                case "copy": result = Add(result, path, Get(result, From(op))?.DeepClone()); break;
                default: throw StatusErrors.BadRequest($"unsupported JSON patch operation '{name}'");
            }
        }
        return result as JsonObject ?? throw StatusErrors.BadRequest("a JSON patch must leave an object");
    }

    private static JsonNode? Value(JsonObject op) =>
        op.ContainsKey("value") ? op["value"]?.DeepClone() : throw StatusErrors.BadRequest($"JSON patch '{op["op"]}' without 'value'");

    private static string From(JsonObject op) =>
        op["from"]?.GetValue<string>() ?? throw StatusErrors.BadRequest($"JSON patch '{op["op"]}' without 'from'");

    private static string[] Tokens(string pointer)
    {
        if (pointer.Length == 0) return [];
        if (pointer[0] != '/') throw StatusErrors.BadRequest($"invalid JSON pointer '{pointer}'");
        return [.. pointer[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~"))];
    }

    private static JsonNode? Get(JsonNode root, string pointer)
    {
        JsonNode? node = root;
        foreach (var token in Tokens(pointer))
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                JsonArray a when int.TryParse(token, out var i) && i >= 0 && i < a.Count => a[i],
                _ => throw StatusErrors.Invalid(null, pointer, $"JSON patch path {pointer} does not exist"),
            };
        }
        return node;
    }

    private static (JsonNode Parent, string Last) Parent(JsonNode root, string pointer)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0) throw StatusErrors.BadRequest("JSON patch on the whole document is not supported");
        var parentPointer = pointer[..pointer.LastIndexOf('/')];
        var parent = Get(root, parentPointer) ?? throw StatusErrors.Invalid(null, pointer, $"the parent of {pointer} is null");
        return (parent, tokens[^1]);
    }

    private static JsonNode Add(JsonNode root, string pointer, JsonNode? value)
    {
        var (parent, last) = Parent(root, pointer);
        switch (parent)
        {
            case JsonObject o: o[last] = value; break;
            case JsonArray a when last == "-": a.Add(value); break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i <= a.Count: a.Insert(i, value); break;
            default: throw StatusErrors.Invalid(null, pointer, $"cannot add at {pointer}");
        }
        return root;
    }

    private static JsonNode Remove(JsonNode root, string pointer, out JsonNode? removed)
    {
        var (parent, last) = Parent(root, pointer);
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(last, out removed): o.Remove(last); break;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count: removed = a[i]; a.RemoveAt(i); break;
            default: throw StatusErrors.Invalid(null, pointer, $"JSON patch path {pointer} does not exist");
        }
        return root;
    }
}
