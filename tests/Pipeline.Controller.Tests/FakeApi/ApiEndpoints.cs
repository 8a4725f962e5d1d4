using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Pipeline.Controller.Tests.FakeApi;

/// <summary>Serves the resource paths: one handler that dispatches on the Kubernetes verb.</summary>
internal sealed class ApiEndpoints(ObjectStore store, CancellationToken stopping)
{
    public const string RequestItem = "fakeapi.request";

    public async Task HandleAsync(HttpContext ctx)
    {
        var rec = (RecordedRequest)ctx.Items[RequestItem]!;
        ApiPath? path = null;
        ResourceType? type = null;
        try
        {
            path = ApiPath.Parse(ctx.Request.Path.Value ?? "")
                ?? throw new ApiException(404, "NotFound", "the server could not find the requested resource");
            type = store.Resources.Find(path.Group, path.Version, path.Plural)
                ?? throw new ApiException(404, "NotFound", $"the server could not find the requested resource ({path.Plural}.{path.Group}/{path.Version})");
            if (type.Namespaced != (path.Namespace is not null) && !(type.Namespaced && path.Name is null && rec.Verb is "list" or "watch"))
                throw new ApiException(404, "NotFound", $"the server could not find the requested resource ({rec.Path})");
            if (path.Subresource is not null && (path.Subresource != "status" || !type.HasStatus))
                throw new ApiException(404, "NotFound", $"the server could not find the requested resource ({rec.Path})");
            var ns = path.Namespace ?? "";
            var query = ctx.Request.Query;
            switch (rec.Verb)
            {
                case "get":
                    await WriteJson(ctx, 200, store.GetOrThrow(type, ns, path.Name!));
                    break;
                case "list":
                    var (rv, items) = store.List(type, path.Namespace, Selector.ParseLabels(query["labelSelector"]), Selector.ParseFields(query["fieldSelector"]));
                    await WriteJson(ctx, 200, ListOf(type, rv, items));
                    break;
                case "watch":
                    await WatchAsync(ctx, type, path);
                    break;
                case "create" when path.Name is null:
                    await WriteJson(ctx, 201, store.Create(type, ns, BodyObject(rec)));
                    break;
                case "update" when path.Name is not null:
                    await WriteJson(ctx, 200, store.Replace(type, ns, path.Name, BodyObject(rec), path.Subresource == "status"));
                    break;
                case "patch" when path.Name is not null:
                    await WriteJson(ctx, 200, store.Patch(type, ns, path.Name, rec.ContentType ?? "", ParseBody(rec), path.Subresource == "status"));
                    break;
                case "delete" when path.Subresource is null:
                    await DeleteAsync(ctx, rec, type, ns, path.Name!);
                    break;
                default:
                    throw StatusErrors.MethodNotAllowed($"the server does not allow this method on the requested resource ({rec.Method} {rec.Path})");
            }
        }
        catch (ApiException e)
        {
            await WriteJson(ctx, e.Code, e.ToStatus(type, path?.Name));
        }
        catch (JsonException e)
        {
            await WriteJson(ctx, 400, StatusErrors.BadRequest($"the body of the request could not be decoded: {e.Message}").ToStatus());
        }
        catch (Exception e) when (e is not OperationCanceledException && !ctx.Response.HasStarted)
        {
            // A bug in the fake: say so in the answer, where the failing test shows it.
            await WriteJson(ctx, 500, new ApiException(500, "InternalError", $"fake API server bug: {e}").ToStatus());
        }
    }

    private async Task DeleteAsync(HttpContext ctx, RecordedRequest rec, ResourceType type, string ns, string name)
    {
        // KubernetesClient sends propagationPolicy both as a query parameter and (when given) in a DeleteOptions body.
        string? policy = ctx.Request.Query["propagationPolicy"];
        if (string.IsNullOrEmpty(policy) && rec.Body.Length > 0 && ParseBody(rec) is JsonObject options)
            policy = options["propagationPolicy"]?.GetValue<string>();
        var pending = store.Delete(type, ns, name, policy, out var uid);
        if (pending is not null)
        {
            // Still there, waiting for its finalizers: a real server answers with the object.
            await WriteJson(ctx, 200, pending);
            return;
        }
        var status = StatusErrors.Status("Success");
        status["details"] = new JsonObject { ["name"] = name, ["group"] = type.Group, ["kind"] = type.Plural, ["uid"] = uid };
        await WriteJson(ctx, 200, status);
    }

    private async Task WatchAsync(HttpContext ctx, ResourceType type, ApiPath path)
    {
        var query = ctx.Request.Query;
        var fields = Selector.ParseFields(path.Name is null ? query["fieldSelector"] : $"metadata.name={path.Name}");
        var filter = new WatchFilter(type, path.Namespace, Selector.ParseLabels(query["labelSelector"]), fields);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        WatchSubscription sub;
        try { sub = store.Watch(filter, query["resourceVersion"]); }
        catch (ApiException e) when (e.Code == 410)
        {
            // A real server answers 200 and then one ERROR event carrying the 410 Status.
            await WriteLine(ctx, new JsonObject { ["type"] = "ERROR", ["object"] = e.ToStatus() }, ctx.RequestAborted);
            return;
        }
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
        if (int.TryParse(query["timeoutSeconds"], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
            cts.CancelAfter(TimeSpan.FromSeconds(seconds));
        try
        {
            // Headers go out at once, so a client waiting for them is not held until the first event.
            await ctx.Response.StartAsync(ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            await foreach (var e in sub.Events.ReadAllAsync(cts.Token))
                await WriteLine(ctx, new JsonObject { ["type"] = e.Type, ["object"] = e.Object }, cts.Token);
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
        finally { store.Unwatch(sub); }
        if (!ctx.RequestAborted.IsCancellationRequested && !stopping.IsCancellationRequested
            && (query["allowWatchBookmarks"] == "true"))
        {
            // The watch timed out: tell the client how far it got, as a BOOKMARK, so it can resume from there.
            var bookmark = new JsonObject
            {
                ["kind"] = type.Kind, ["apiVersion"] = type.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = store.ResourceVersion.ToString(CultureInfo.InvariantCulture) },
            };
            try { await WriteLine(ctx, new JsonObject { ["type"] = "BOOKMARK", ["object"] = bookmark }, ctx.RequestAborted); }
            catch (Exception e) when (e is OperationCanceledException or IOException) { }
        }
    }

    private static async Task WriteLine(HttpContext ctx, JsonObject watchEvent, CancellationToken ct)
    {
        await ctx.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(watchEvent.ToJsonString() + "\n"), ct);
        await ctx.Response.Body.FlushAsync(ct);
    }

    private static JsonObject ListOf(ResourceType type, long rv, List<JsonObject> items) => new()
    {
        ["kind"] = type.Kind + "List",
        ["apiVersion"] = type.ApiVersion,
        ["metadata"] = new JsonObject { ["resourceVersion"] = rv.ToString(CultureInfo.InvariantCulture) },
        ["items"] = new JsonArray([.. items]),
    };

    private static JsonNode? ParseBody(RecordedRequest rec) =>
        rec.Body.Length == 0 ? throw StatusErrors.BadRequest("the request has no body") : JsonNode.Parse(rec.Body);

    private static JsonObject BodyObject(RecordedRequest rec) =>
        ParseBody(rec) as JsonObject ?? throw StatusErrors.BadRequest("the body must be a JSON object");

    internal static async Task WriteJson(HttpContext ctx, int code, JsonNode body)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body.ToJsonString());
    }
}
