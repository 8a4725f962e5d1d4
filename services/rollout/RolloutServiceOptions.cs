namespace Pipeline.Services.Rollout;

/// <summary>The <c>Rollout</c> configuration section.</summary>
public sealed class RolloutServiceOptions
{
    public const string Section = "Rollout";

    /// <summary>This replica's index: names it in its groups and its policy subscription. Default: the Kubernetes
    /// indexed Job's <c>JOB_COMPLETION_INDEX</c>, else 0.</summary>
    public int? Index { get; set; }

    /// <summary>Prompts generated together in one batch (default: the spec's promptsPerStep).</summary>
    public int? MaxGroupsPerBatch { get; set; }

    /// <summary>LibTorch intra-op threads (0: LibTorch's default, one per core).</summary>
    public int Threads { get; set; }

    public int ResolvedIndex() =>
        Index ?? (int.TryParse(Environment.GetEnvironmentVariable("JOB_COMPLETION_INDEX"), System.Globalization.CultureInfo.InvariantCulture, out var i) ? i : 0);
}
