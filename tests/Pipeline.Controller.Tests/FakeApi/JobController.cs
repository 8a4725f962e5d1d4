using System.Globalization;
using System.Text.Json.Nodes;

namespace Pipeline.Controller.Tests.FakeApi;

/// <summary>
/// Plays the Kubernetes Job controller, which no fake server runs: sets a Job's status the way it would
/// (active/succeeded/failed counts, startTime, completionTime and Complete/Failed conditions).
/// </summary>
public static class JobController
{
    /// <summary>Sets status {active, succeeded, failed, conditions} of a Job; conditions are (type, reason) pairs with status "True".</summary>
    public static JsonObject SetJobStatus(this ObjectStore store, string ns, string name,
        int active = 0, int succeeded = 0, int failed = 0, params (string Type, string Reason)[] conditions)
    {
        var now = store.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        return store.Modify("jobs", ns, name, job =>
        {
            var status = job["status"] as JsonObject ?? [];
            status["startTime"] ??= now;
            status["active"] = active;
            status["succeeded"] = succeeded;
            status["failed"] = failed;
            var list = new JsonArray();
            foreach (var (type, reason) in conditions)
            {
                list.Add(new JsonObject
                {
                    ["type"] = type, ["status"] = "True", ["reason"] = reason,
                    ["lastProbeTime"] = now, ["lastTransitionTime"] = now,
                });
                if (type == "Complete") status["completionTime"] = now;
            }
            if (list.Count > 0) status["conditions"] = list; else status.Remove("conditions");
            job["status"] = status.DeepClone();
        });
    }

    /// <summary>The Job's pod is running: active 1.</summary>
    public static JsonObject StartJob(this ObjectStore store, string ns, string name) =>
        store.SetJobStatus(ns, name, active: 1);

    /// <summary>The Job has succeeded: succeeded 1 and a Complete condition.</summary>
    public static JsonObject CompleteJob(this ObjectStore store, string ns, string name) =>
        store.SetJobStatus(ns, name, succeeded: 1, conditions: ("Complete", "Completed"));

    /// <summary>The Job has failed (e.g. reason BackoffLimitExceeded): failed count and a Failed condition.</summary>
    public static JsonObject FailJob(this ObjectStore store, string ns, string name, string reason = "BackoffLimitExceeded", int failed = 1) =>
        store.SetJobStatus(ns, name, failed: failed, conditions: ("Failed", reason));
}
