// The `math` verifier: extract the final answer of the response (AnswerExtractor), take the answer part of the
// gold (its final box or answer cue if it is a worked solution, else the whole gold), and compare them with
// MathEquivalence. A response without an answer is incorrect with Extracted = null. Never throws.
namespace Pipeline.Core.Verifiers;

/// <summary>Boxed-answer math verifier: extraction, LaTeX normalisation, numeric and symbolic equivalence.</summary>
public sealed class MathVerifier : IVerifier
{
    public Verdict Verify(string response, string gold)
    {
        string? extracted = null;
        try
        {
            extracted = AnswerExtractor.Extract(response ?? "");
            if (extracted is null) return new Verdict(false, null);
            var reference = AnswerExtractor.ExtractReference(gold ?? "");
            return new Verdict(MathEquivalence.AreEquivalent(extracted, reference), extracted);
        }
        catch (Exception)
        {
            return new Verdict(false, extracted);   // e.g. a regex timeout on a pathological input
        }
    }
}
