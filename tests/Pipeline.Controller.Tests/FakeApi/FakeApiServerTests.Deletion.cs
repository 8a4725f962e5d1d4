using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Pipeline.Controller.Tests.FakeApi;

/// <summary>Deletion: finalizers, owner-reference garbage collection (Background, Foreground, Orphan), late creates.</summary>
public sealed partial class FakeApiServerTests
{
    [Fact]
    public async Task Finalizers_hold_an_object_until_an_update_empties_them()
    {
        var exp = Experiment("quick");
        exp["metadata"]!["finalizers"] = new JsonArray("pipeline.efficient-reasoning.dev/cleanup");
        await _client.CustomObjects.CreateNamespacedCustomObjectAsync(exp, Group, Version, Ns, "experiments");

        var pending = Node(await _client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, Version, Ns, "experiments", "quick"));
        Assert.Equal("Experiment", pending["kind"]!.GetValue<string>()); // still there: the object comes back
        Assert.NotNull(pending["metadata"]!["deletionTimestamp"]);
        var stillThere = Node(await _client.CustomObjects.GetNamespacedCustomObjectAsync(Group, Version, Ns, "experiments", "quick"));
        Assert.NotNull(stillThere["metadata"]!["deletionTimestamp"]);

        using var cts = new CancellationTokenSource(Wait * 2);
        var events = Collect(_client.CustomObjects.WatchListNamespacedCustomObjectAsync(Group, Version, Ns, "experiments",
            resourceVersion: stillThere["metadata"]!["resourceVersion"]!.GetValue<string>(), cancellationToken: cts.Token));
        await _client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), Group, Version, Ns, "experiments", "quick");
        Assert.Equal(WatchEventType.Modified, (await events.Reader.ReadAsync().AsTask().WaitAsync(Wait)).Type);
        Assert.Equal(WatchEventType.Deleted, (await events.Reader.ReadAsync().AsTask().WaitAsync(Wait)).Type);
        var gone = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CustomObjects.GetNamespacedCustomObjectAsync(Group, Version, Ns, "experiments", "quick"));
        Assert.Equal(HttpStatusCode.NotFound, gone.Response.StatusCode);
        var again = await Assert.ThrowsAsync<HttpOperationException>(() => _client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, Version, Ns, "experiments", "quick"));
        Assert.Equal(HttpStatusCode.NotFound, again.Response.StatusCode);
    }

    [Fact]
    public async Task Deleting_an_Experiment_garbage_collects_what_it_owns()
    {
        var exp = Node(await _client.CustomObjects.CreateNamespacedCustomObjectAsync(Experiment("quick"), Group, Version, Ns, "experiments"));
        var owner = new V1OwnerReference
        {
            ApiVersion = $"{Group}/{Version}", Kind = "Experiment", Name = "quick",
            Uid = exp["metadata"]!["uid"]!.GetValue<string>(), Controller = true, BlockOwnerDeletion = true,
        };
        var job = Job("learner");
        job.Metadata.OwnerReferences = [owner];
        var created = await _client.BatchV1.CreateNamespacedJobAsync(job, Ns);
        var cm = ConfigMap("quick-spec");
        cm.Metadata.OwnerReferences = [owner];
        await _client.CoreV1.CreateNamespacedConfigMapAsync(cm, Ns);
        // A pod owned by the Job: collected in turn.
        await _client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta
            {
                Name = "learner-x",
                OwnerReferences = [new V1OwnerReference { ApiVersion = "batch/v1", Kind = "Job", Name = "learner", Uid = created.Metadata.Uid }],
            },
        }, Ns);
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("unrelated"), Ns);

        await _client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, Version, Ns, "experiments", "quick", propagationPolicy: "Background");

        Assert.Empty((await _client.BatchV1.ListNamespacedJobAsync(Ns)).Items);
        Assert.Empty((await _client.CoreV1.ListNamespacedPodAsync(Ns)).Items);
        Assert.Equal(["unrelated"], Names(await _client.CoreV1.ListNamespacedConfigMapAsync(Ns)));
    }

    [Fact]
    public async Task An_object_created_for_an_owner_that_is_gone_is_collected_at_once()
    {
        var exp = Node(await _client.CustomObjects.CreateNamespacedCustomObjectAsync(Experiment("quick"), Group, Version, Ns, "experiments"));
        var uid = exp["metadata"]!["uid"]!.GetValue<string>();
        await _client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, Version, Ns, "experiments", "quick");
        var late = Job("learner");
        late.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = $"{Group}/{Version}", Kind = "Experiment", Name = "quick", Uid = uid }];

        var created = await _client.BatchV1.CreateNamespacedJobAsync(late, Ns);

        Assert.Equal("learner", created.Metadata.Name);
        Assert.Empty((await _client.BatchV1.ListNamespacedJobAsync(Ns)).Items);
        // An owner that still exists keeps its dependents.
        var kept = ConfigMap("kept");
        var live = Node(await _client.CustomObjects.CreateNamespacedCustomObjectAsync(Experiment("live"), Group, Version, Ns, "experiments"));
        kept.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = $"{Group}/{Version}", Kind = "Experiment", Name = "live", Uid = live["metadata"]!["uid"]!.GetValue<string>() }];
        await _client.CoreV1.CreateNamespacedConfigMapAsync(kept, Ns);
        Assert.Equal(["kept"], Names(await _client.CoreV1.ListNamespacedConfigMapAsync(Ns)));
    }

    [Fact]
    public async Task Orphan_propagation_keeps_dependents_and_drops_their_owner_reference()
    {
        var exp = Node(await _client.CustomObjects.CreateNamespacedCustomObjectAsync(Experiment("quick"), Group, Version, Ns, "experiments"));
        var cm = ConfigMap("quick-spec");
        cm.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = $"{Group}/{Version}", Kind = "Experiment", Name = "quick", Uid = exp["metadata"]!["uid"]!.GetValue<string>() }];
        await _client.CoreV1.CreateNamespacedConfigMapAsync(cm, Ns);
        await _client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, Version, Ns, "experiments", "quick", propagationPolicy: "Orphan");
        var kept = await _client.CoreV1.ReadNamespacedConfigMapAsync("quick-spec", Ns);
        Assert.True(kept.Metadata.OwnerReferences is null || kept.Metadata.OwnerReferences.Count == 0);
    }
}
