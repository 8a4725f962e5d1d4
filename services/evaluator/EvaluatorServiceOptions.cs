namespace Pipeline.Services.Evaluator;

/// <summary>The <c>Evaluator</c> configuration section.</summary>
public sealed class EvaluatorServiceOptions
{
    public const string Section = "Evaluator";

    /// <summary>Where to stream policy versions from when their folder is not on this machine (e.g. http://learner:5062).</summary>
    public string? LearnerAddress { get; set; }

    /// <summary>Where streamed policy versions are kept (default: a folder under the system's temp folder).</summary>
    public string? PolicyCache { get; set; }

    /// <summary>LibTorch intra-op threads (0: LibTorch's default, one per core).</summary>
    public int Threads { get; set; }
}
