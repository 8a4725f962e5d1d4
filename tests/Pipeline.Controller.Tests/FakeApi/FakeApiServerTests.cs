using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Pipeline.Controller.Tests.FakeApi;

/// <summary>The fake API server, exercised only through KubernetesClient's real API over a real socket (watches in
/// FakeApiServerTests.Watch.cs, deletion and garbage collection in FakeApiServerTests.Deletion.cs).</summary>
public sealed partial class FakeApiServerTests : IAsyncLifetime
{
    private const string Ns = "exp";
    private const string Group = ResourceTable.ExperimentGroup;
    private const string Version = "v1alpha1";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private FakeApiServer _server = null!;
    private Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _server = await FakeApiServer.StartAsync();
        _client = _server.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    // ---------------------------------------------------------------- typed CRUD

    [Fact]
    public async Task Jobs_are_created_got_and_listed_by_label_selector()
    {
        var created = await _client.BatchV1.CreateNamespacedJobAsync(Job("learner", ("app", "pipeline"), ("role", "learner")), Ns);
        await _client.BatchV1.CreateNamespacedJobAsync(Job("rollout", ("app", "pipeline"), ("role", "rollout")), Ns);
        await _client.BatchV1.CreateNamespacedJobAsync(Job("other", ("app", "else")), Ns);

        Assert.Equal("batch/v1", created.ApiVersion);
        Assert.Equal("Job", created.Kind);
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.Equal(1, created.Metadata.Generation);
        Assert.NotNull(created.Metadata.CreationTimestamp);
        var got = await _client.BatchV1.ReadNamespacedJobAsync("learner", Ns);
        Assert.Equal(created.Metadata.Uid, got.Metadata.Uid);
        Assert.Equal("trainer:latest", got.Spec.Template.Spec.Containers[0].Image);

        Assert.Equal(["learner", "rollout"], Names(await _client.BatchV1.ListNamespacedJobAsync(Ns, labelSelector: "app=pipeline")));
        Assert.Equal(["rollout"], Names(await _client.BatchV1.ListNamespacedJobAsync(Ns, labelSelector: "app=pipeline,role!=learner")));
        Assert.Equal(["learner", "other", "rollout"], Names(await _client.BatchV1.ListNamespacedJobAsync(Ns)));
        Assert.Equal(["learner", "rollout"], Names(await _client.BatchV1.ListNamespacedJobAsync(Ns, labelSelector: "role")));
        Assert.Equal(["other"], Names(await _client.BatchV1.ListNamespacedJobAsync(Ns, labelSelector: "!role")));
        Assert.Empty((await _client.BatchV1.ListNamespacedJobAsync("elsewhere")).Items);
        var all = await _client.BatchV1.ListJobForAllNamespacesAsync(labelSelector: "role in (rollout)");
        Assert.Equal(["rollout"], Names(all));
        Assert.Equal(_server.Store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), all.Metadata.ResourceVersion);
        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => _client.BatchV1.ReadNamespacedJobAsync("nope", Ns));
        Assert.Equal(HttpStatusCode.NotFound, missing.Response.StatusCode);
        Assert.Contains("\"reason\":\"NotFound\"", missing.Response.Content);
    }

    [Fact]
    public async Task ConfigMaps_list_by_label_and_field_selectors()
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a", ("tier", "x")), Ns);
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b", ("tier", "y")), Ns);
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c", ("tier", "x")), "other");

        Assert.Equal(["a"], Names(await _client.CoreV1.ListNamespacedConfigMapAsync(Ns, labelSelector: "tier=x")));
        Assert.Equal(["b"], Names(await _client.CoreV1.ListNamespacedConfigMapAsync(Ns, fieldSelector: "metadata.name=b")));
        Assert.Equal(["c"], Names(await _client.CoreV1.ListConfigMapForAllNamespacesAsync(fieldSelector: "metadata.namespace=other")));
        Assert.Equal(["a", "c"], Names(await _client.CoreV1.ListConfigMapForAllNamespacesAsync(labelSelector: "tier==x")));
        var list = await _client.CoreV1.ListNamespacedConfigMapAsync(Ns);
        Assert.Equal("v", list.Items[0].Data["k"]);
    }

    [Fact]
    public async Task GenerateName_names_the_object()
    {
        var cm = new V1ConfigMap { Metadata = new V1ObjectMeta { GenerateName = "run-" } };
        var created = await _client.CoreV1.CreateNamespacedConfigMapAsync(cm, Ns);
        Assert.StartsWith("run-", created.Metadata.Name);
        Assert.Equal(9, created.Metadata.Name.Length);
        Assert.NotNull(_server.Store.Get("configmaps", Ns, created.Metadata.Name));
    }

    // ---------------------------------------------------------------- conflicts

    [Fact]
    public async Task Duplicate_create_is_409_AlreadyExists_and_stale_replace_is_409_Conflict()
    {
        var first = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("cfg"), Ns);
        var dup = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("cfg"), Ns));
        Assert.Equal(HttpStatusCode.Conflict, dup.Response.StatusCode);
        Assert.Equal("AlreadyExists", Reason(dup));

        first.Data["k"] = "v2";
        var second = await _client.CoreV1.ReplaceNamespacedConfigMapAsync(first, "cfg", Ns);
        Assert.NotEqual(first.Metadata.ResourceVersion, second.Metadata.ResourceVersion);

        first.Data["k"] = "v3"; // still carries the first resourceVersion
        var stale = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.ReplaceNamespacedConfigMapAsync(first, "cfg", Ns));
        Assert.Equal(HttpStatusCode.Conflict, stale.Response.StatusCode);
        Assert.Equal("Conflict", Reason(stale));
        Assert.Equal("v2", _server.Store.Get<V1ConfigMap>("configmaps", Ns, "cfg")!.Data["k"]);

        // Without a resourceVersion the update is unconditional.
        first.Metadata.ResourceVersion = null;
        await _client.CoreV1.ReplaceNamespacedConfigMapAsync(first, "cfg", Ns);
        Assert.Equal("v3", _server.Store.Get<V1ConfigMap>("configmaps", Ns, "cfg")!.Data["k"]);
    }

    [Fact]
    public async Task Leases_behave_as_leader_election_needs()
    {
        var lease = new V1Lease
        {
            Metadata = new V1ObjectMeta { Name = "pipeline-controller" },
            Spec = new V1LeaseSpec { HolderIdentity = "pod-a", LeaseDurationSeconds = 15, AcquireTime = DateTime.UtcNow, RenewTime = DateTime.UtcNow },
        };
        var a = await _client.CoordinationV1.CreateNamespacedLeaseAsync(lease, Ns);
        var b = await _client.CoordinationV1.ReadNamespacedLeaseAsync("pipeline-controller", Ns);
        Assert.Equal("pod-a", b.Spec.HolderIdentity);

        // Pod A renews; pod B, holding the lease it read before, tries to take it and loses.
        a.Spec.RenewTime = DateTime.UtcNow;
        var renewed = await _client.CoordinationV1.ReplaceNamespacedLeaseAsync(a, "pipeline-controller", Ns);
        b.Spec.HolderIdentity = "pod-b";
        var lost = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoordinationV1.ReplaceNamespacedLeaseAsync(b, "pipeline-controller", Ns));
        Assert.Equal(HttpStatusCode.Conflict, lost.Response.StatusCode);
        var dup = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoordinationV1.CreateNamespacedLeaseAsync(lease, Ns));
        Assert.Equal(HttpStatusCode.Conflict, dup.Response.StatusCode);

        renewed.Spec.HolderIdentity = "pod-b";
        var taken = await _client.CoordinationV1.ReplaceNamespacedLeaseAsync(renewed, "pipeline-controller", Ns);
        Assert.Equal("pod-b", taken.Spec.HolderIdentity);
    }

    // ---------------------------------------------------------------- patches

    [Fact]
    public async Task Merge_patch_and_strategic_merge_patch_merge_objects_and_null_deletes()
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("cfg", ("keep", "1"), ("drop", "1")), Ns);
        var merged = await _client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"metadata":{"labels":{"drop":null,"new":"2"}},"data":{"extra":"e"}}""", V1Patch.PatchType.MergePatch), "cfg", Ns);
        Assert.Equal(new Dictionary<string, string> { ["keep"] = "1", ["new"] = "2" }, merged.Metadata.Labels);
        Assert.Equal("e", merged.Data["extra"]);
        Assert.Equal("v", merged.Data["k"]);

        var strategic = await _client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch(new { data = new { k = "s" } }, V1Patch.PatchType.StrategicMergePatch), "cfg", Ns);
        Assert.Equal("s", strategic.Data["k"]);
        Assert.Equal("application/strategic-merge-patch+json; charset=utf-8", _server.Requests.Of("patch", "configmaps")[^1].ContentType);
    }

    [Fact]
    public async Task Json_patch_adds_removes_replaces_and_tests()
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("cfg", ("a", "1")), Ns);
        var patch = """
            [{"op":"test","path":"/data/k","value":"v"},
             {"op":"replace","path":"/data/k","value":"w"},
             {"op":"add","path":"/data/x~1y","value":"slash"},
             {"op":"remove","path":"/metadata/labels/a"},
             {"op":"add","path":"/metadata/finalizers","value":[]},
             {"op":"add","path":"/metadata/finalizers/-","value":"pipeline/cleanup"}]
            """;
        var patched = await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(patch, V1Patch.PatchType.JsonPatch), "cfg", Ns);
        Assert.Equal("w", patched.Data["k"]);
        Assert.Equal("slash", patched.Data["x/y"]);
        Assert.True(patched.Metadata.Labels is null || patched.Metadata.Labels.Count == 0);
        Assert.Equal(["pipeline/cleanup"], patched.Metadata.Finalizers);

        var failed = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""[{"op":"test","path":"/data/k","value":"v"},{"op":"replace","path":"/data/k","value":"z"}]""", V1Patch.PatchType.JsonPatch), "cfg", Ns));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, failed.Response.StatusCode);
        Assert.Equal("w", _server.Store.Get<V1ConfigMap>("configmaps", Ns, "cfg")!.Data["k"]);
    }

    // ---------------------------------------------------------------- custom resources and status

    [Fact]
    public async Task Experiments_through_CustomObjects_keep_status_and_spec_apart()
    {
        var created = Node(await _client.CustomObjects.CreateNamespacedCustomObjectAsync(Experiment("quick"), Group, Version, Ns, "experiments"));
        Assert.Equal(1, created["metadata"]!["generation"]!.GetValue<long>());
        Assert.Null(created["status"]); // a create does not set status when there is a status subresource

        var withStatus = Node(await _client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"phase":"Running","observedGeneration":1}}""", V1Patch.PatchType.MergePatch), Group, Version, Ns, "experiments", "quick"));
        Assert.Equal("Running", withStatus["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(1, withStatus["metadata"]!["generation"]!.GetValue<long>());

        // /status ignores spec; the main resource ignores status.
        var ignoredSpec = Node(await _client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"spec":{"steps":99},"status":{"phase":"Done"}}""", V1Patch.PatchType.MergePatch), Group, Version, Ns, "experiments", "quick"));
        Assert.Equal(10, ignoredSpec["spec"]!["steps"]!.GetValue<int>());
        Assert.Equal("Done", ignoredSpec["status"]!["phase"]!.GetValue<string>());
        var specChange = Node(await _client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"steps":20},"status":{"phase":"Hacked"}}""", V1Patch.PatchType.MergePatch), Group, Version, Ns, "experiments", "quick"));
        Assert.Equal(20, specChange["spec"]!["steps"]!.GetValue<int>());
        Assert.Equal("Done", specChange["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(2, specChange["metadata"]!["generation"]!.GetValue<long>());

        // A label change is metadata: no new generation.
        var labelled = Node(await _client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""[{"op":"add","path":"/metadata/labels","value":{"x":"y"}}]""", V1Patch.PatchType.JsonPatch), Group, Version, Ns, "experiments", "quick"));
        Assert.Equal(2, labelled["metadata"]!["generation"]!.GetValue<long>());

        // PUT /status with the current object changes only the status.
        labelled["status"] = new JsonObject { ["phase"] = "Succeeded" };
        labelled["spec"]!["steps"] = 1;
        var replaced = Node(await _client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(labelled, Group, Version, Ns, "experiments", "quick"));
        Assert.Equal("Succeeded", replaced["status"]!["phase"]!.GetValue<string>());
        Assert.Equal(20, replaced["spec"]!["steps"]!.GetValue<int>());

        var listed = Node(await _client.CustomObjects.ListNamespacedCustomObjectAsync(Group, Version, Ns, "experiments"));
        Assert.Equal("ExperimentList", listed["kind"]!.GetValue<string>());
        Assert.Single(listed["items"]!.AsArray());
    }

    [Fact]
    public async Task Job_status_is_set_by_the_test_playing_the_Job_controller()
    {
        await _client.BatchV1.CreateNamespacedJobAsync(Job("learner"), Ns);
        _server.Store.StartJob(Ns, "learner");
        Assert.Equal(1, (await _client.BatchV1.ReadNamespacedJobStatusAsync("learner", Ns)).Status.Active);
        _server.Store.CompleteJob(Ns, "learner");
        var job = await _client.BatchV1.ReadNamespacedJobAsync("learner", Ns);
        Assert.Equal(1, job.Status.Succeeded);
        Assert.Contains(job.Status.Conditions, c => c.Type == "Complete" && c.Status == "True");
        Assert.Equal(1, job.Metadata.Generation);

        // A PUT of the Job keeps the stored status; a PUT of /status changes only it.
        job.Status = new V1JobStatus { Failed = 3 };
        job.Spec.BackoffLimit = 7;
        var put = await _client.BatchV1.ReplaceNamespacedJobAsync(job, "learner", Ns);
        Assert.Equal(1, put.Status.Succeeded);
        Assert.Equal(2, put.Metadata.Generation);
        put.Status = new V1JobStatus { Failed = 3 };
        put.Spec.BackoffLimit = 1;
        var status = await _client.BatchV1.ReplaceNamespacedJobStatusAsync(put, "learner", Ns);
        Assert.Equal(3, status.Status.Failed);
        Assert.Equal(7, status.Spec.BackoffLimit);
        Assert.Equal(2, status.Metadata.Generation);

        _server.Store.UpdateStatus("jobs", Ns, "learner", new JsonObject { ["active"] = 2 });
        Assert.Equal(2, (await _client.BatchV1.ReadNamespacedJobAsync("learner", Ns)).Status.Active);
    }

    // ---------------------------------------------------------------- test hooks

    [Fact]
    public async Task Store_hooks_change_objects_as_another_actor_and_raise_watch_events()
    {
        using var cts = new CancellationTokenSource(Wait * 2);
        _server.Store.Upsert("jobs", new V1Job
        {
            Metadata = new V1ObjectMeta { Name = "seed", NamespaceProperty = Ns },
            Status = new V1JobStatus { Active = 1 },
        });
        var events = Collect(_client.BatchV1.WatchListNamespacedJobAsync(Ns, cancellationToken: cts.Token));
        var added = await Next(events);
        Assert.Equal((WatchEventType.Added, "seed"), Describe(added));
        Assert.Equal(1, added.Item2.Status.Active); // Upsert keeps the status it is given

        _server.Store.Modify("jobs", Ns, "seed", j => j["metadata"]!["labels"] = new JsonObject { ["x"] = "y" });
        Assert.Equal("y", (await Next(events)).Item2.Metadata.Labels["x"]);
        _server.Store.Modify("jobs", Ns, "seed", _ => { }); // no change: no event, no new resourceVersion
        Assert.True(_server.Store.Delete("jobs", Ns, "seed"));
        Assert.Equal((WatchEventType.Deleted, "seed"), Describe(await Next(events)));
        Assert.False(_server.Store.Delete("jobs", Ns, "seed"));
        Assert.Null(_server.Store.Get("jobs", Ns, "seed"));
        Assert.Throws<ArgumentException>(() => _server.Store.Get("widgets", Ns, "x"));
    }

    [Fact]
    public async Task Typed_delete_of_an_object_held_by_a_finalizer_returns_the_object_in_a_V1Status()
    {
        var job = Job("held");
        job.Metadata.Finalizers = ["pipeline/cleanup"];
        await _client.BatchV1.CreateNamespacedJobAsync(job, Ns);
        // The real server answers such a delete with the object itself, not a Status. KubernetesClient's typed
        // Delete*Async return V1Status and read the Job into one without complaint: Kind tells them apart.
        var answer = await _client.BatchV1.DeleteNamespacedJobAsync("held", Ns);
        Assert.Equal("Job", answer.Kind);
        Assert.NotNull(_server.Store.Get<V1Job>("jobs", Ns, "held")!.Metadata.DeletionTimestamp);
        _server.Store.Modify("jobs", Ns, "held", j => j["metadata"]!.AsObject().Remove("finalizers"));
        Assert.Null(_server.Store.Get("jobs", Ns, "held"));

        await _client.BatchV1.CreateNamespacedJobAsync(Job("free"), Ns);
        var gone = await _client.BatchV1.DeleteNamespacedJobAsync("free", Ns);
        Assert.Equal(("Status", "Success"), (gone.Kind, gone.Status));
    }

    [Fact]
    public async Task Injected_failures_answer_instead_and_the_request_log_shows_what_happened()
    {
        _server.Faults.FailNext(2, 500, r => r.Verb == "create" && r.Resource == "jobs");
        var first = await Assert.ThrowsAsync<HttpOperationException>(() => _client.BatchV1.CreateNamespacedJobAsync(Job("learner"), Ns));
        Assert.Equal(HttpStatusCode.InternalServerError, first.Response.StatusCode);
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("not-matched"), Ns);
        await Assert.ThrowsAsync<HttpOperationException>(() => _client.BatchV1.CreateNamespacedJobAsync(Job("learner"), Ns));
        await _client.BatchV1.CreateNamespacedJobAsync(Job("learner"), Ns);

        _server.Faults.FailNext(1, 409, r => r.Verb == "patch");
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => _client.BatchV1.PatchNamespacedJobAsync(
            new V1Patch("""{"metadata":{"labels":{"a":"b"}}}""", V1Patch.PatchType.MergePatch), "learner", Ns));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);
        Assert.Equal("Conflict", Reason(conflict));

        var creates = _server.Requests.Of("create", "jobs");
        Assert.Equal([500, 500, null], creates.Select(r => r.InjectedStatus));
        Assert.All(creates, r => Assert.Equal($"/apis/batch/v1/namespaces/{Ns}/jobs", r.Path));
        Assert.Contains("\"name\":\"learner\"", creates[^1].Body);
        Assert.Equal("application/json; charset=utf-8", creates[^1].ContentType);
        Assert.Equal(1, _server.Requests.Count("create", "configmaps"));
        Assert.Equal("application/merge-patch+json; charset=utf-8", _server.Requests.Of("patch")[0].ContentType);
    }

    [Fact]
    public async Task Version_and_events_are_served()
    {
        var version = await _client.Version.GetCodeAsync();
        Assert.StartsWith("v1.", version.GitVersion);

        await _client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = "quick." },
            InvolvedObject = new V1ObjectReference { Kind = "Experiment", Name = "quick", NamespaceProperty = Ns },
            Reason = "Started", Message = "jobs created", Type = "Normal",
        }, Ns);
        await _client.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event
        {
            Metadata = new V1ObjectMeta { Name = "quick.1" },
            EventTime = DateTime.UtcNow, Reason = "Started", Action = "Create", ReportingController = "pipeline", ReportingInstance = "pod-a",
            Regarding = new V1ObjectReference { Kind = "Experiment", Name = "quick", NamespaceProperty = Ns }, Type = "Normal",
        }, Ns);
        Assert.Single((await _client.CoreV1.ListNamespacedEventAsync(Ns, fieldSelector: "involvedObject.name=quick")).Items);
        Assert.Single(_server.Store.List("events.events.k8s.io", Ns));
        Assert.Single(_server.Store.List("events", Ns));
    }

    // ---------------------------------------------------------------- helpers

    private static V1Job Job(string name, params (string Key, string Value)[] labels) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels.Length == 0 ? null : labels.ToDictionary(l => l.Key, l => l.Value) },
        Spec = new V1JobSpec
        {
            BackoffLimit = 0,
            Template = new V1PodTemplateSpec
            {
                Spec = new V1PodSpec { RestartPolicy = "Never", Containers = [new V1Container { Name = "main", Image = "trainer:latest" }] },
            },
        },
    };

    private static V1ConfigMap ConfigMap(string name, params (string Key, string Value)[] labels) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels.Length == 0 ? null : labels.ToDictionary(l => l.Key, l => l.Value) },
        Data = new Dictionary<string, string> { ["k"] = "v" },
    };

    private static JsonObject Experiment(string name) => new()
    {
        ["apiVersion"] = $"{Group}/{Version}",
        ["kind"] = "Experiment",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject { ["steps"] = 10, ["model"] = new JsonObject { ["path"] = "models/tiny-reasoner" } },
    };

    /// <summary>CustomObjects returns the body as a boxed JsonElement.</summary>
    private static JsonObject Node(object body) => JsonNode.Parse(((JsonElement)body).GetRawText())!.AsObject();

    private static string? Reason(HttpOperationException e) => JsonNode.Parse(e.Response.Content)?["reason"]?.GetValue<string>();

    private static string[] Names(V1JobList list) => [.. list.Items.Select(j => j.Metadata.Name)];

    private static string[] Names(V1ConfigMapList list) => [.. list.Items.Select(j => j.Metadata.Name)];

    private static (WatchEventType, string) Describe((WatchEventType Type, V1Job Object) e) => (e.Type, e.Object.Metadata.Name);

    private static (WatchEventType, string) Describe((WatchEventType Type, V1ConfigMap Object) e) => (e.Type, e.Object.Metadata.Name);

    /// <summary>Runs a watch in the background into a channel that completes when the watch ends.</summary>
    private static Channel<(WatchEventType Type, T Object)> Collect<T>(IAsyncEnumerable<(WatchEventType, T)> watch)
    {
        var channel = Channel.CreateUnbounded<(WatchEventType, T)>();
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in watch) await channel.Writer.WriteAsync(e);
                channel.Writer.TryComplete();
            }
            catch (Exception e) { channel.Writer.TryComplete(e); }
        });
        return channel;
    }

    private static async Task<(WatchEventType, T)> Next<T>(Channel<(WatchEventType, T)> events) =>
        await events.Reader.ReadAsync().AsTask().WaitAsync(Wait);
}
