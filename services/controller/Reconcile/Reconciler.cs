using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Pipeline.Services.Controller.Cluster;
using Pipeline.Services.Controller.Crd;

namespace Pipeline.Services.Controller.Reconcile;

/// <summary>
/// One reconcile of one Experiment, Kubeflow-shaped: read it and what it owns, compute the status and the desired
/// objects (pure functions), create what is missing, patch what must change (suspension, rollout parallelism, the
/// spec ConfigMap), and write the status only when it changed. Safe to run any number of times.
/// </summary>
public sealed partial class Reconciler(IKubernetes client, KafkaConnections connections, ITopicAdmin topics, IProgressSource progress, IEvaluationHistory history,
    ControllerOptions options, ControllerMetrics metrics, ILogger<Reconciler> log, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Reconciles <paramref name="namespace"/>/<paramref name="name"/>; returns when to look again (null: on the next event).</summary>
    public async Task<TimeSpan?> ReconcileAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var key = $"{@namespace}/{name}";
        var raw = await GetExperimentAsync(@namespace, name, cancellationToken).ConfigureAwait(false);
        if (raw is null)
        {
            metrics.Phase(key, null);
            return null;
        }
        var experiment = ExperimentObject.Parse(raw);
        if (experiment.Metadata.DeletionTimestamp is not null) return await FinalizeAsync(experiment, cancellationToken).ConfigureAwait(false);

        var now = _clock.GetUtcNow().UtcDateTime;
        var interval = TimeSpan.FromSeconds(options.ProgressIntervalSeconds);
        if (!experiment.IsValid)
        {
            // Rejected before any work: nothing is created, and every problem is in the Failed condition.
            var invalid = StatusBuilder.Build(experiment, new Observed(), now, interval);
            await WriteStatusAsync(experiment, invalid.Status, cancellationToken).ConfigureAwait(false);
            metrics.Phase(key, invalid.Status.Phase);
            return null;
        }

        await SyncFinalizerAsync(experiment, cancellationToken).ConfigureAwait(false);
        var (topicNames, kafkaError) = await EnsureTopicsAsync(experiment, cancellationToken).ConfigureAwait(false);
        var jobs = await ListJobsAsync(experiment, cancellationToken).ConfigureAwait(false);
        // Pods say why one failed or why one does not start: read them only then, not on every progress poll.
        IReadOnlyList<V1Pod> pods = jobs.Values.Any(j => j.Status?.Failed > 0 || j.Status?.Conditions?.Any(c => c.Type == "Failed") == true
                || (j.Spec.Suspend != true && j.Status?.Active > (j.Status?.Ready ?? 0)))
            ? (await client.CoreV1.ListNamespacedPodAsync(experiment.Namespace, labelSelector: Labels.SelectorText(experiment.Name), cancellationToken: cancellationToken).ConfigureAwait(false)).Items.ToList()
            : [];
        var observed = new Observed { Jobs = jobs, Pods = pods, Topics = topicNames, KafkaError = kafkaError };
        if (jobs.GetValueOrDefault(ServiceNames.Learner) is { Status.Active: > 0 } || jobs.GetValueOrDefault(ServiceNames.Evaluator) is { Status.Active: > 0 })
        {
            observed = observed with
            {
                Learner = await progress.LearnerAsync(experiment, cancellationToken).ConfigureAwait(false),
                Evaluations = await progress.EvaluationsAsync(experiment, cancellationToken).ConfigureAwait(false),
            };
        }

        var decision = StatusBuilder.Build(experiment, observed, now, interval);
        if (decision.Status.Phase == Crd.Phases.Succeeded && experiment.Status.Phase != Crd.Phases.Succeeded)
        {
            // The evaluator has exited: its final results (perhaps newer than the last poll) are on the eval topic.
            var final = await FinalEvaluationsAsync(experiment, cancellationToken).ConfigureAwait(false);
            if (final.Count > 0) decision = StatusBuilder.Build(experiment, observed with { Evaluations = final }, now, interval);
        }
        if (kafkaError is null)
        {
            // Jobs only once the topics exist: a service started earlier would fail on its own Admin call.
            var (apiError, drift) = await ApplyAsync(DesiredState.Build(experiment, options, decision.Suspended), jobs, cancellationToken).ConfigureAwait(false);
            if (apiError is not null || drift is not null)
                decision = StatusBuilder.Build(experiment, observed with { ApiError = apiError, TemplateDrift = drift }, now, interval);
        }
        await WriteStatusAsync(experiment, decision.Status, cancellationToken).ConfigureAwait(false);
        metrics.Phase(key, decision.Status.Phase);
        return kafkaError is null ? decision.RequeueAfter : interval;
    }

    private async Task<JsonNode?> GetExperimentAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.CustomObjects.GetNamespacedCustomObjectAsync(ExperimentResource.Group, ExperimentResource.Version, @namespace,
                ExperimentResource.Plural, name, cancellationToken).ConfigureAwait(false);
            return JsonSerializer.SerializeToNode(result);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<Dictionary<string, V1Job>> ListJobsAsync(ExperimentObject experiment, CancellationToken cancellationToken)
    {
        var list = await client.BatchV1.ListNamespacedJobAsync(experiment.Namespace, labelSelector: Labels.SelectorText(experiment.Name), cancellationToken: cancellationToken).ConfigureAwait(false);
        return list.Items
            .Where(j => j.Metadata.Labels?.ContainsKey(ExperimentResource.ComponentLabel) == true && j.Metadata.OwnerReferences?.Any(o => o.Uid == experiment.Metadata.Uid) == true)
            .ToDictionary(j => j.Metadata.Labels[ExperimentResource.ComponentLabel], StringComparer.Ordinal);
    }

    private async Task<(IReadOnlyList<string>? Topics, KafkaProblem? Error)> EnsureTopicsAsync(ExperimentObject experiment, CancellationToken cancellationToken)
    {
        if (experiment.Status.Topics is { Count: > 0 } known) return (known, null);
        if (!options.CreateTopics) return (null, null);
        var kafka = experiment.Document!.Spec.Cluster.Kafka;
        KafkaConnection? connection = null;
        try
        {
            connection = await connections.ResolveAsync(experiment.Namespace, kafka, cancellationToken).ConfigureAwait(false);
            return (await topics.EnsureAsync(experiment.Namespace, experiment.Name, connection, kafka, cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            metrics.ReconcileErrors.WithLabels("kafka").Inc();
            LogKafka(experiment.Name, e.Message);
            return (null, e is KafkaSettingsException
                ? new KafkaProblem(Crd.ConditionReasons.KafkaMisconfigured, e.Message)
                : new KafkaProblem(Crd.ConditionReasons.KafkaUnavailable, connection is null ? e.Message : $"{connection.BootstrapServers}: {e.Message}"));
        }
    }

    /// <summary>The eval topic's newest results; none when the experiment's Kafka settings cannot be resolved.</summary>
    private async Task<IReadOnlyList<Pipeline.Contracts.V1.EvalResult>> FinalEvaluationsAsync(ExperimentObject experiment, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await connections.ResolveAsync(experiment.Namespace, experiment.Document!.Spec.Cluster.Kafka, cancellationToken).ConfigureAwait(false);
            return await history.LatestAsync(experiment.Namespace, experiment.Name, connection, cancellationToken).ConfigureAwait(false);
        }
        catch (KafkaSettingsException e)
        {
            LogKafka(experiment.Name, e.Message);
            return [];
        }
    }

    /// <summary>Creates what is missing and patches what must change; returns the first API error, if any, and the
    /// services whose running Job was built from other pod settings than the spec now asks for.</summary>
    private async Task<(string? Error, string? Drift)> ApplyAsync(DesiredObjects desired, Dictionary<string, V1Job> jobs, CancellationToken cancellationToken)
    {
        try
        {
            var ns = desired.Spec.Metadata.NamespaceProperty;
            await ApplyConfigMapAsync(desired.Spec, cancellationToken).ConfigureAwait(false);
            if (desired.RunClaim is { } claim)
                await CreateIfMissingAsync(() => client.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(claim, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
            foreach (var service in desired.Services)
                await CreateIfMissingAsync(() => client.CoreV1.CreateNamespacedServiceAsync(service, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
            foreach (var job in desired.Jobs)
            {
                var service = job.Metadata.Labels[ExperimentResource.ComponentLabel];
                if (!jobs.TryGetValue(service, out var existing))
                {
                    await CreateIfMissingAsync(() => client.BatchV1.CreateNamespacedJobAsync(job, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
                    continue;
                }
                if (JobPatch(existing, job) is { } patch)
                    await client.BatchV1.PatchNamespacedJobAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), existing.Metadata.Name, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            return (null, TemplateDrift(desired.Jobs, jobs));
        }
        catch (HttpOperationException e)
        {
            metrics.ReconcileErrors.WithLabels("api").Inc();
            return ($"the API server refused a change ({(int)e.Response.StatusCode}): {ApiMessage(e)}", null);
        }
    }

    /// <summary>A Job's pod template cannot change once it runs: changed cluster settings (resources, placement,
    /// images, retries) reach only Jobs created after the change. Says which services run with the old ones.</summary>
    internal static string? TemplateDrift(IReadOnlyList<V1Job> desired, IReadOnlyDictionary<string, V1Job> existing)
    {
        var stale = desired
            .Select(d => (Service: d.Metadata.Labels[ExperimentResource.ComponentLabel], Want: d.Metadata.Annotations[ExperimentResource.TemplateHashAnnotation]))
            .Where(d => existing.TryGetValue(d.Service, out var job) && job.Metadata.Annotations is { } a
                && a.TryGetValue(ExperimentResource.TemplateHashAnnotation, out var have) && have != d.Want)
            .Select(d => d.Service)
            .ToList();
        return stale.Count == 0 ? null
            : $"spec.cluster changed after the Jobs of {string.Join(", ", stale)} were created; their pods keep the old settings (a Job's pod template cannot change). Delete and re-create the Experiment to apply them; it resumes from its checkpoint if it keeps its name and storage";
    }

    /// <summary>The merge patch that brings a Job to the desired suspension and parallelism, or null. A finished Job is left alone.</summary>
    internal static string? JobPatch(V1Job existing, V1Job desired)
    {
        if (existing.Status?.Conditions?.Any(c => c.Type is "Complete" or "Failed" && c.Status == "True") == true) return null;
        var spec = new JsonObject();
        if ((existing.Spec.Suspend ?? false) != (desired.Spec.Suspend ?? false)) spec["suspend"] = desired.Spec.Suspend ?? false;
        if (existing.Spec.Parallelism != desired.Spec.Parallelism) spec["parallelism"] = desired.Spec.Parallelism;
        // An indexed Job's completions may change together with its parallelism (elastic indexed Jobs).
        if (desired.Spec.CompletionMode == "Indexed" && existing.Spec.Completions != desired.Spec.Completions) spec["completions"] = desired.Spec.Completions;
        return spec.Count == 0 ? null : new JsonObject { ["spec"] = spec }.ToJsonString();
    }

    private async Task ApplyConfigMapAsync(V1ConfigMap desired, CancellationToken cancellationToken)
    {
        var ns = desired.Metadata.NamespaceProperty;
        try
        {
            var existing = await client.CoreV1.ReadNamespacedConfigMapAsync(desired.Metadata.Name, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (existing.Metadata.Annotations is { } annotations && annotations.TryGetValue(ExperimentResource.SpecHashAnnotation, out var hash)
                && hash == desired.Metadata.Annotations[ExperimentResource.SpecHashAnnotation]) return;
            desired.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
            await client.CoreV1.ReplaceNamespacedConfigMapAsync(desired, desired.Metadata.Name, ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            await CreateIfMissingAsync(() => client.CoreV1.CreateNamespacedConfigMapAsync(desired, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    private static async Task CreateIfMissingAsync<T>(Func<Task<T>> create)
    {
        try
        {
            await create().ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            // Already there (created by an earlier reconcile): nothing to do.
        }
    }

    private async Task SyncFinalizerAsync(ExperimentObject experiment, CancellationToken cancellationToken)
    {
        var finalizers = experiment.Metadata.Finalizers?.ToList() ?? [];
        var wanted = experiment.Document!.Spec.Cluster.Kafka.DeleteTopics;
        var has = finalizers.Contains(ExperimentResource.TopicsFinalizer);
        if (wanted == has) return;
        if (wanted) finalizers.Add(ExperimentResource.TopicsFinalizer);
        else finalizers.Remove(ExperimentResource.TopicsFinalizer);
        await PatchFinalizersAsync(experiment, finalizers, cancellationToken).ConfigureAwait(false);
    }

    private async Task<TimeSpan?> FinalizeAsync(ExperimentObject experiment, CancellationToken cancellationToken)
    {
        metrics.Phase($"{experiment.Namespace}/{experiment.Name}", null);
        var finalizers = experiment.Metadata.Finalizers?.ToList() ?? [];
        if (!finalizers.Contains(ExperimentResource.TopicsFinalizer)) return null;
        var kafka = experiment.Document?.Spec.Cluster.Kafka;
        if (kafka is not null && options.CreateTopics)
        {
            try
            {
                var connection = await connections.ResolveAsync(experiment.Namespace, kafka, cancellationToken).ConfigureAwait(false);
                await topics.DeleteAsync(experiment.Namespace, experiment.Name, connection, cancellationToken).ConfigureAwait(false);
            }
            catch (KafkaSettingsException e)
            {
                // Its Secret went first (as when the namespace is deleted): waiting cannot help, and a finalizer that
                // never clears would hold the namespace in Terminating. The topics stay; the Warning event says so.
                LogKafka(experiment.Name, e.Message);
                await RecordEventAsync(experiment, "Warning", ConditionReasons.TopicsNotDeleted,
                    $"the Kafka topics were left in place: {e.Message}", cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The finalizer stays until the topics are gone; the owned objects are already being deleted.
                metrics.ReconcileErrors.WithLabels("kafka").Inc();
                LogKafka(experiment.Name, e.Message);
                return TimeSpan.FromSeconds(30);
            }
        }
        finalizers.Remove(ExperimentResource.TopicsFinalizer);
        await PatchFinalizersAsync(experiment, finalizers, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private Task PatchFinalizersAsync(ExperimentObject experiment, List<string> finalizers, CancellationToken cancellationToken)
    {
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = new JsonArray([.. finalizers.Select(f => JsonValue.Create(f))]) } };
        return client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
            ExperimentResource.Group, ExperimentResource.Version, experiment.Namespace, ExperimentResource.Plural, experiment.Name, cancellationToken: cancellationToken);
    }

    /// <summary>Writes the status through the status subresource, only when it differs from what is stored.</summary>
    private async Task WriteStatusAsync(ExperimentObject experiment, ExperimentStatus status, CancellationToken cancellationToken)
    {
        var before = JsonSerializer.Serialize(experiment.Status, ExperimentObject.StatusJson);
        var after = JsonSerializer.Serialize(status, ExperimentObject.StatusJson);
        if (before == after) return;
        if (experiment.Status.Phase != status.Phase)
        {
            LogPhase(experiment.Namespace, experiment.Name, experiment.Status.Phase ?? "-", status.Phase ?? "-");
            await RecordEventAsync(experiment, status, cancellationToken).ConfigureAwait(false);
        }
        // A merge patch replaces lists whole, so the status written is exactly `status`.
        var patch = new JsonObject { ["status"] = JsonNode.Parse(after) }.ToJsonString();
        await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch),
            ExperimentResource.Group, ExperimentResource.Version, experiment.Namespace, ExperimentResource.Plural, experiment.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A Kubernetes Event on the Experiment for each phase change (<c>kubectl describe experiment</c> lists
    /// them); Warning for failures. An event that cannot be written is not worth failing the reconcile for.</summary>
    private Task RecordEventAsync(ExperimentObject experiment, ExperimentStatus status, CancellationToken cancellationToken)
    {
        var cause = status.Conditions.FirstOrDefault(c => c.Type == status.Phase && c.Status == "True")
            ?? status.Conditions.FirstOrDefault(c => c.Type == Crd.ConditionTypes.Running);
        return RecordEventAsync(experiment, status.Phase == Crd.Phases.Failed ? "Warning" : "Normal", cause?.Reason ?? status.Phase ?? "",
            $"{status.Phase}: {cause?.Message}", cancellationToken);
    }

    private async Task RecordEventAsync(ExperimentObject experiment, string type, string reason, string message, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var @event = new Corev1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = $"{experiment.Name}.", NamespaceProperty = experiment.Namespace },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = ExperimentResource.ApiVersion, Kind = ExperimentResource.Kind, Name = experiment.Name,
                NamespaceProperty = experiment.Namespace, Uid = experiment.Metadata.Uid,
            },
            Type = type,
            Reason = reason,
            Message = message,
            Source = new V1EventSource { Component = ExperimentResource.ManagedBy },
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
        };
        try
        {
            await client.CoreV1.CreateNamespacedEventAsync(@event, experiment.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            metrics.ReconcileErrors.WithLabels("event").Inc();
            LogEvent(experiment.Name, ApiMessage(e));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "experiment {Name}: could not record an event: {Error}")]
    private partial void LogEvent(string name, string error);

    private static string ApiMessage(HttpOperationException e)
    {
        try
        {
            return JsonNode.Parse(e.Response.Content)?["message"]?.GetValue<string>() ?? e.Message;
        }
        catch (JsonException)
        {
            return e.Message;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "experiment {Namespace}/{Name}: {From} -> {To}")]
    private partial void LogPhase(string @namespace, string name, string from, string to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "experiment {Name}: Kafka: {Error}")]
    private partial void LogKafka(string name, string error);
}
