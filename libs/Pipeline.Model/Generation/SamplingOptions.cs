// How the next token is drawn from a logits row. The order of the transforms is HF's (and vLLM's): temperature, then
// top-k, then top-p. Temperature 0 means greedy (argmax).
namespace Pipeline.Model.Generation;

/// <summary>Sampling parameters shared by every request of one generate call.</summary>
public sealed record SamplingOptions
{
    /// <summary>Logits are divided by it; 0 = greedy.</summary>
    public float Temperature { get; init; } = 1;

    /// <summary>Nucleus mass in (0, 1]; 1 keeps every token.</summary>
    public float TopP { get; init; } = 1;

    /// <summary>Keep the k most likely tokens (ties with the k-th included); 0 keeps every token.</summary>
    public int TopK { get; init; }

    /// <summary>Greedy decoding (temperature 0).</summary>
    public static SamplingOptions Greedy { get; } = new() { Temperature = 0 };

    public bool IsGreedy => Temperature == 0;

    /// <summary>Every problem at once, one line each; empty when the options are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!(Temperature >= 0) || float.IsInfinity(Temperature)) problems.Add($"temperature must be a finite number ≥ 0, got {Temperature}");
        if (!(TopP > 0 && TopP <= 1)) problems.Add($"top-p must lie in (0, 1], got {TopP}");
        if (TopK < 0) problems.Add($"top-k must be ≥ 0 (0 = off), got {TopK}");
        return problems;
    }
}
