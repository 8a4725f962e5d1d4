namespace Pipeline.Services.Evaluator;

/// <summary>The <c>Evaluator</c> configuration section.</summary>
public sealed class EvaluatorServiceOptions
{
    public const string Section = "Evaluator";

    /// <summary>LibTorch intra-op threads (0: LibTorch's default, one per core).</summary>
    public int Threads { get; set; }
}
