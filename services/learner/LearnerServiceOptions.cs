namespace Pipeline.Services.Learner;

/// <summary>The <c>Learner</c> configuration section.</summary>
public sealed class LearnerServiceOptions
{
    public const string Section = "Learner";

    /// <summary>Exit (code 0) after the last step's checkpoint, as a Kubernetes Job should; otherwise keep serving
    /// GetStatus and GetPolicy until stopped.</summary>
    public bool ExitWhenDone { get; set; }

    /// <summary>Policy versions kept in the shared folder besides those due for evaluation.</summary>
    public int KeepPolicies { get; set; } = 4;

    /// <summary>LibTorch intra-op threads (0: LibTorch's default, one per core).</summary>
    public int Threads { get; set; }
}
