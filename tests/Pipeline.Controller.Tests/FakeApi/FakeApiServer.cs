using System.Net;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pipeline.Controller.Tests.FakeApi;

/// <summary>
/// An in-process Kubernetes API server for tests: Kestrel on a free loopback port (HTTP/1.1, no TLS, no auth),
/// serving the resources of a <see cref="ResourceTable"/> from an in-memory <see cref="ObjectStore"/>.
/// <code>
/// await using var server = await FakeApiServer.StartAsync();
/// using var client = server.CreateClient();            // a real k8s.Kubernetes talking HTTP to it
/// server.Store.CompleteJob("ns", "job-name");            // play the Job controller
/// server.Requests.Count("create", "jobs");               // what the code under test did
/// server.Faults.FailNext(1, 409, r => r.Verb == "update"); // make it retry
/// </code>
/// </summary>
public sealed class FakeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();

    private FakeApiServer(WebApplication app, ObjectStore store)
    {
        _app = app;
        Store = store;
    }

    /// <summary>The objects: read them, change them as another actor would, compact the watch history.</summary>
    public ObjectStore Store { get; }

    /// <summary>Every request received, in order.</summary>
    public RequestLog Requests { get; } = new();

    /// <summary>Failures to answer instead of serving the next matching requests.</summary>
    public FaultInjector Faults { get; } = new();

    /// <summary>http://127.0.0.1:{port}, for KubernetesClientConfiguration.Host.</summary>
    public string Url { get; private set; } = "";

    /// <summary>Starts a server for <paramref name="resources"/> (default: <see cref="ResourceTable.Default"/>).</summary>
    /// <param name="watchHistory">How many changes a watch can resume across before it gets 410 Gone.</param>
    public static async Task<FakeApiServer> StartAsync(IEnumerable<ResourceType>? resources = null, int watchHistory = 10_000)
    {
        var store = new ObjectStore(new ResourceTable(resources), watchHistory);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(FakeApiServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var app = builder.Build();
        var self = new FakeApiServer(app, store);
        app.Use(async (ctx, next) =>
        {
            var rec = await RecordAsync(ctx);
            self.Requests.Add(rec);
            ctx.Items[ApiEndpoints.RequestItem] = rec;
            if (self.Faults.Match(rec) is { } fault)
            {
                rec.InjectedStatus = fault.Code;
                await ApiEndpoints.WriteJson(ctx, fault.Code, fault.ToStatus());
                return;
            }
            await next(ctx);
        });
        app.MapGet("/version", () => Results.Json(new { major = "1", minor = "33", gitVersion = "v1.33.0-fakeapi", platform = "linux/amd64" }));
        app.MapGet("/api", () => Results.Json(new { kind = "APIVersions", versions = new[] { "v1" } }));
        app.MapGet("/apis", () => Results.Text(GroupList(store.Resources).ToJsonString(), "application/json"));
        var endpoints = new ApiEndpoints(store, self._stopping.Token);
        app.Map("/api/{**rest}", endpoints.HandleAsync);
        app.Map("/apis/{**rest}", endpoints.HandleAsync);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()
            ?? throw new InvalidOperationException("Kestrel reported no address");
        self.Url = addresses.Addresses.First();
        return self;
    }

    /// <summary>A KubernetesClient pointed at this server.</summary>
    public Kubernetes CreateClient() => new(new KubernetesClientConfiguration { Host = Url });

    /// <summary>Ends every open watch cleanly (the stream just ends) and stops listening.</summary>
    public async Task StopAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync();
        Store.Watches.CloseAll();
        await _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private static async Task<RecordedRequest> RecordAsync(HttpContext ctx)
    {
        var req = ctx.Request;
        var body = "";
        if (req.ContentLength > 0 || req.Headers.TransferEncoding.Count > 0)
        {
            using var reader = new StreamReader(req.Body);
            body = await reader.ReadToEndAsync(ctx.RequestAborted);
        }
        var pathText = req.Path.Value ?? "";
        var path = ApiPath.Parse(pathText);
        var watchQuery = req.Query["watch"] is var w && (w == "true" || w == "1");
        var verb = path?.Verb(req.Method, watchQuery) ?? req.Method.ToLowerInvariant();
        return new RecordedRequest(req.Method, pathText, req.QueryString.Value ?? "", verb,
            path?.Group, path?.Plural, path?.Namespace, path?.Name, path?.Subresource, req.ContentType, body);
    }

    private static JsonObject GroupList(ResourceTable resources)
    {
        var groups = new JsonArray();
        foreach (var g in resources.Types.Where(t => t.Group.Length > 0).GroupBy(t => t.Group))
        {
            var versions = new JsonArray([.. g.Select(t => t.Version).Distinct().Select(v =>
                (JsonNode)new JsonObject { ["groupVersion"] = $"{g.Key}/{v}", ["version"] = v })]);
            groups.Add(new JsonObject
            {
                ["name"] = g.Key, ["versions"] = versions, ["preferredVersion"] = versions[0]!.DeepClone(),
            });
        }
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }
}
