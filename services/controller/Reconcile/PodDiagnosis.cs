using k8s.Models;
using Pipeline.Services.Controller.Crd;

namespace Pipeline.Services.Controller.Reconcile;

/// <summary>
/// What an experiment's pods say, in the user's terms, for the status: why the last one of a service failed, and why
/// some do not start (an image that cannot be pulled, a container the kubelet cannot create, a pod no node can take).
/// Pods that never start fail no Job, which would otherwise sit in Pending with no word of why.
/// </summary>
public static class PodDiagnosis
{
    private static readonly HashSet<string> PullFailures = new(StringComparer.Ordinal) { "ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull" };
    private static readonly HashSet<string> ConfigFailures = new(StringComparer.Ordinal) { "CreateContainerConfigError", "CreateContainerError" };

    /// <summary>The newest failed container of a service: reason, exit code and the first line of its message.</summary>
    public static string? LastTermination(IReadOnlyList<V1Pod> pods, string service)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var terminated = pods
            .Where(p => Service(p) == service)
            .SelectMany(p => p.Status?.ContainerStatuses ?? [])
            .Select(c => c.State?.Terminated ?? c.LastState?.Terminated)
            .Where(t => t is { ExitCode: not 0 })
            .OrderByDescending(t => t!.FinishedAt ?? DateTime.MinValue)
            .FirstOrDefault();
        if (terminated is null) return null;
        return Detail($"{terminated.Reason ?? "Error"}, exit code {terminated.ExitCode}", terminated.Message, null);
    }

    /// <summary>The most actionable problem of the pods that do not start (image, then configuration, then
    /// scheduling), naming each service it affects and one pod's message; null when no pod is stuck.</summary>
    public static (string Reason, string Message)? Stuck(IEnumerable<V1Pod> pods)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var stuck = pods
            .Where(p => p.Status?.Phase is null or "Pending" && p.Metadata.DeletionTimestamp is null)
            .Select(p => (Pod: p, Problem: Problem(p)))
            .Where(x => x.Problem is not null)
            .Select(x => (Service: Service(x.Pod) ?? x.Pod.Metadata.Name, x.Pod.Metadata.Name, Problem: x.Problem!.Value))
            .ToList();
        if (stuck.Count == 0) return null;
        var reason = new[] { ConditionReasons.ImagePullFailed, ConditionReasons.PodConfigError, ConditionReasons.PodsUnschedulable }
            .First(r => stuck.Any(s => s.Problem.Reason == r));
        var parts = stuck.Where(s => s.Problem.Reason == reason)
            .GroupBy(s => s.Service, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}: pod {g.First().Name}: {g.First().Problem.Detail}");
        return (reason, string.Join("; ", parts));
    }

    private static (string Reason, string Detail)? Problem(V1Pod pod)
    {
        foreach (var container in (pod.Status?.InitContainerStatuses ?? []).Concat(pod.Status?.ContainerStatuses ?? []))
        {
            if (container.State?.Waiting is not { Reason: { } waiting } state) continue;
            if (PullFailures.Contains(waiting)) return (ConditionReasons.ImagePullFailed, Detail(waiting, state.Message, $"image {container.Image}"));
            if (ConfigFailures.Contains(waiting)) return (ConditionReasons.PodConfigError, Detail(waiting, state.Message, null));
        }
        if (pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "PodScheduled") is { Status: "False", Reason: "Unschedulable" } scheduled)
            return (ConditionReasons.PodsUnschedulable, Detail("Unschedulable", scheduled.Message, null));
        return null;
    }

    /// <summary>"what: the message's first line" (at most 300 characters), or "what: fallback" without a message.</summary>
    private static string Detail(string what, string? message, string? fallback)
    {
        var line = message?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? fallback;
        if (line is { Length: > 300 }) line = line[..300] + "…";
        return line is null ? what : $"{what}: {line}";
    }

    /// <summary>The service a pod belongs to (its component label), or null.</summary>
    private static string? Service(V1Pod pod) =>
        pod.Metadata.Labels?.TryGetValue(ExperimentResource.ComponentLabel, out var component) == true ? component : null;
}
