// The outcome of judging one response: correct or not, and the final answer the verifier pulled from it.
// Extracted is null when the response has no answer at all (no box, no answer cue, unfinished thinking), which
// lets callers tell "answered wrong" from "never answered".
namespace Pipeline.Core.Verifiers;

/// <summary>Whether a response is correct, and the final answer text extracted from it (null if none).</summary>
public sealed record Verdict(bool Correct, string? Extracted);
