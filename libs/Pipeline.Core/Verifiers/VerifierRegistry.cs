// The one place a verifier is chosen by name: `reward.verifier` in the spec and `pipeline verify --verifier` both
// come through here. Verifiers are stateless, so one shared instance per kind serves every caller and thread.
using Pipeline.Core.Spec;

namespace Pipeline.Core.Verifiers;

/// <summary>Maps a <see cref="VerifierKind"/> to its verifier.</summary>
public static class VerifierRegistry
{
    private static readonly MathVerifier MathInstance = new();
    private static readonly ExactVerifier ExactInstance = new();

    public static IVerifier Create(VerifierKind kind) => kind switch
    {
        VerifierKind.Math => MathInstance,
        VerifierKind.Exact => ExactInstance,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown verifier kind"),
    };
}
