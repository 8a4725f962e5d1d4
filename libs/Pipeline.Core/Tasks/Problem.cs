namespace Pipeline.Core.Tasks;

/// <summary>
/// One verifiable problem, whatever its source (a synthetic task or a dataset file): a stable id, the problem text,
/// the gold answer the verifier compares against, and an optional difficulty label.
/// </summary>
public sealed record Problem(string Id, string Text, string Answer, string? Difficulty = null);

/// <summary>Turns a problem into the prompt the model sees.</summary>
public sealed record PromptTemplate(string Template)
{
    /// <summary>The math prompt of PAPER.md (DeepScaleR's suffix).</summary>
    public static PromptTemplate Math { get; } =
        new("{problem} Let's think step by step and output the final answer within \\boxed{}.");

    public string Render(Problem problem) => Template.Replace("{problem}", problem.Text, StringComparison.Ordinal);
}
