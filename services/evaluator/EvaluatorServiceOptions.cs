namespace Pipeline.Services.Evaluator;

/// <summary>The <c>Evaluator</c> configuration section.</summary>
public sealed class EvaluatorServiceOptions
{
    public const string Section = "Evaluator";

    /// <summary>Exit (code 0) once every evaluation set has its result at the final step (optimizer.steps), as a
    /// Kubernetes Job should; also right after start when the run folder already holds them (a restart), and at once
    /// when the spec has no evaluation sets. Otherwise keep serving GetResults and Evaluate until stopped.</summary>
    public bool ExitWhenDone { get; set; }

    /// <summary>LibTorch intra-op threads (0: LibTorch's default, one per core).</summary>
    public int Threads { get; set; }
}
