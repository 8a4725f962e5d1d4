using System.Text.Json.Nodes;
using k8s;
using Pipeline.Controller.Tests.FakeApi;
using Pipeline.Hosting;
using Pipeline.Services.Controller;

namespace Pipeline.Controller.Tests.Harness;

/// <summary>The whole controller (its real host, options, watch loop and HTTP) against the fake API server, with the
/// learner and evaluator faked over gRPC and the Kafka Admin API recorded.</summary>
public sealed class ControllerFixture : IAsyncDisposable
{
    public const string Ns = "ml";
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    public required FakeApiServer Api { get; init; }
    public required Kubernetes Client { get; init; }
    public required FakeServices Services { get; init; }
    public required RecordingTopicAdmin Topics { get; init; }
    public List<RunningServiceHost> Controllers { get; } = [];

    /// <summary>What the controller reads from the eval topic once an experiment succeeded (default: nothing).</summary>
    public Pipeline.Services.Controller.Cluster.IEvaluationHistory Evaluations { get; set; } = new NoEvaluations();

    /// <summary>Where the controller finds a service's gRPC; null: <c>--Controller:ProgressAddress</c> (the fake services).</summary>
    public Func<Pipeline.Services.Controller.Reconcile.ExperimentObject, string, string>? ProgressAddress { get; set; }

    public static async Task<ControllerFixture> StartAsync(params string[] extra)
    {
        var api = await FakeApiServer.StartAsync();
        var services = await FakeServices.StartAsync();
        var fixture = new ControllerFixture { Api = api, Client = api.CreateClient(), Services = services, Topics = new RecordingTopicAdmin() };
        await fixture.StartControllerAsync(extra);
        return fixture;
    }

    public async Task<RunningServiceHost> StartControllerAsync(params string[] extra)
    {
        string[] args =
        [
            $"--Controller:ApiServer={Api.Url}", $"--Controller:ProgressAddress={Services.Address}", "--Controller:ProgressIntervalSeconds=1",
            "--Controller:Kafka:BootstrapServers=kafka.kafka:9092", "--Service:GrpcPort=0", "--Service:MetricsPort=0",
            "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Pipeline=Information", .. extra,
        ];
        var host = await ControllerHost.StartAsync(args, new ControllerOverrides(Topics, ProgressAddress, Evaluations));
        Controllers.Add(host);
        return host;
    }

    /// <summary>An Experiment as kubectl would apply it (the spec of a small CPU run).</summary>
    public static JsonObject Experiment(string name, Action<JsonObject>? change = null)
    {
        var spec = new JsonObject
        {
            ["model"] = new JsonObject { ["path"] = "/opt/pipeline/models/tiny-reasoner" },
            ["data"] = new JsonObject
            {
                ["train"] = new JsonObject { ["source"] = "synthetic:arith" },
                ["eval"] = new JsonArray(new JsonObject { ["name"] = "arith-test", ["source"] = "synthetic:arith?split=test", ["size"] = 50 }),
            },
            ["rollout"] = new JsonObject { ["groupSize"] = 4, ["maxTokens"] = 64, ["replicas"] = 2 },
            ["optimizer"] = new JsonObject { ["steps"] = 10, ["promptsPerStep"] = 4 },
            ["evaluation"] = new JsonObject { ["every"] = 5, ["budgets"] = new JsonArray(16, 64) },
        };
        change?.Invoke(spec);
        return new JsonObject
        {
            ["apiVersion"] = "pipeline.efficient-reasoning.dev/v1alpha1",
            ["kind"] = "Experiment",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = Ns },
            ["spec"] = spec,
        };
    }

    public Task CreateAsync(JsonObject experiment) =>
        Client.CustomObjects.CreateNamespacedCustomObjectAsync(experiment, "pipeline.efficient-reasoning.dev", "v1alpha1", Ns, "experiments");

    public Task PatchSpecAsync(string name, JsonObject specPatch) =>
        Client.CustomObjects.PatchNamespacedCustomObjectAsync(new k8s.Models.V1Patch(new JsonObject { ["spec"] = specPatch }.ToJsonString(), k8s.Models.V1Patch.PatchType.MergePatch),
            "pipeline.efficient-reasoning.dev", "v1alpha1", Ns, "experiments", name);

    /// <summary>The Experiment as the API server holds it now (status included).</summary>
    public JsonObject? Stored(string name) => Api.Store.Get("experiments", Ns, name);

    public JsonObject? Status(string name) => Stored(name)?["status"] as JsonObject;

    public string? Phase(string name) => Status(name)?["phase"]?.GetValue<string>();

    public JsonObject? Condition(string name, string type) =>
        (Status(name)?["conditions"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == type);

    public JsonObject? Job(string name, string service) => Api.Store.Get("jobs", Ns, $"{name}-{service}");

    public bool Suspended(string name, string service) => Job(name, service)?["spec"]?["suspend"]?.GetValue<bool>() == true;

    /// <summary>Plays the Job controller and the kubelet: the Job's pod runs and is ready.</summary>
    public void Run(string name, string service) =>
        Api.Store.Modify("jobs", Ns, $"{name}-{service}", job => job["status"] = new JsonObject { ["active"] = 1, ["ready"] = 1 });

    /// <summary>Plays the kubelet: a pod of the experiment's service, labelled as its Job's pods are, with this status.</summary>
    public void StorePod(string experiment, string service, string pod, JsonObject status) =>
        Api.Store.Upsert("pods", new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = pod, ["namespace"] = Ns,
                ["labels"] = new JsonObject { ["pipeline.efficient-reasoning.dev/experiment"] = experiment, ["app.kubernetes.io/component"] = service },
            },
            ["status"] = status,
        });

    public static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? patience = null)
    {
        var limit = patience ?? Patience;
        var deadline = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited {limit.TotalSeconds} s for: {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>Polls until <paramref name="probe"/> gives a value, and returns it.</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? patience = null) where T : class
    {
        var limit = patience ?? Patience;
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            if (await probe() is { } value) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"waited {limit.TotalSeconds} s for: {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>Every call the controller made so far is granted by its RBAC (tests/Shared/ControllerRbac.cs, which the
    /// chart's rules are compared with): the chart never lacks a right the controller needs.</summary>
    public void AssertRbacCoversEveryCall()
    {
        var granted = ControllerRbac.Expand([.. ControllerRbac.Rules, .. ControllerRbac.LeaseRules]);
        var used = Api.Requests.All
            .Where(r => r.Resource is not null && !ByTheTest(r))
            .Select(r => $"{r.Group ?? ""}/{r.Resource}{(r.Subresource is null ? "" : "/" + r.Subresource)} {r.Verb}")
            .ToHashSet(StringComparer.Ordinal);
        Assert.Empty(used.Where(u => !granted.Contains(u)).Order(StringComparer.Ordinal));
    }

    // What the tests do through the API as kubectl would (everything else they do goes through Api.Store directly):
    // create, delete and spec patches of Experiments.
    private static bool ByTheTest(FakeApi.RecordedRequest r) =>
        r.Resource == "experiments" && r.Subresource is null
        && (r.Verb is "create" or "delete" || (r.Verb == "patch" && r.Body.Contains("\"spec\"", StringComparison.Ordinal)));

    public async ValueTask DisposeAsync()
    {
        foreach (var controller in Controllers) await controller.DisposeAsync();
        Client.Dispose();
        await Services.DisposeAsync();
        await Api.DisposeAsync();
    }
}

/// <summary>An eval topic with nothing on it.</summary>
public sealed class NoEvaluations : Pipeline.Services.Controller.Cluster.IEvaluationHistory
{
    public Task<IReadOnlyList<Pipeline.Contracts.V1.EvalResult>> LatestAsync(string @namespace, string experiment,
        Pipeline.Services.Controller.Cluster.KafkaConnection connection, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<Pipeline.Contracts.V1.EvalResult>>([]);
}
