// A verifier judges a model response against a gold answer. Implementations are pure, thread-safe and never
// throw: anything they cannot make sense of is simply incorrect.
namespace Pipeline.Core.Verifiers;

/// <summary>Judges a model response against the gold answer.</summary>
public interface IVerifier
{
    /// <summary>Judge <paramref name="response"/> (a full model response or a bare answer) against <paramref name="gold"/>.</summary>
    Verdict Verify(string response, string gold);
}
