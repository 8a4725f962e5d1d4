namespace Pipeline.Workers.Policy;

/// <summary>
/// Where a consumer (rollout, evaluator) gets announced policy versions, bound from the <c>Policy</c> section
/// (<c>--Policy:LearnerAddress=http://learner:5062</c>): from the announced folder when this machine sees it, else
/// streamed from the learner's <c>GetPolicy</c>.
/// </summary>
public sealed class PolicySourceOptions
{
    public const string Section = "Policy";

    /// <summary>The learner's gRPC address, for versions whose folder is not on this machine.</summary>
    public string? LearnerAddress { get; set; }

    /// <summary>Always stream from <see cref="LearnerAddress"/>, even when the folder is visible here (a path that
    /// names something else on this machine, or a test of the streaming path).</summary>
    public bool Stream { get; set; }

    /// <summary>Where streamed versions are kept (default: a folder per experiment and consumer under the temp folder).</summary>
    public string? Cache { get; set; }

    /// <summary>Every problem, one line each naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (LearnerAddress is { Length: > 0 } address && !(Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            errors.Add($"{Section}:LearnerAddress: '{address}' is not an http:// or https:// address");
        if (Stream && string.IsNullOrEmpty(LearnerAddress))
            errors.Add($"{Section}:Stream: needs {Section}:LearnerAddress (where to stream from)");
        return errors;
    }
}
