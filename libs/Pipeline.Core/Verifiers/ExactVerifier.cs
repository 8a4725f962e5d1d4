// The `exact` verifier, for synthetic tasks with integer (or short literal) answers: the same answer extraction as
// `math`, then a normalised exact match — trimmed, whitespace collapsed, `$` and `\text{…}` wrappers and a
// trailing period removed — and case-sensitive otherwise. `042` is not `42` and `1/2` is not `0.5` here; use
// `math` for that.
using System.Text.RegularExpressions;

namespace Pipeline.Core.Verifiers;

/// <summary>Normalised exact match of the extracted answer.</summary>
public sealed partial class ExactVerifier : IVerifier
{
    public Verdict Verify(string response, string gold)
    {
        string? extracted = null;
        try
        {
            extracted = AnswerExtractor.Extract(response ?? "");
            if (extracted is null) return new Verdict(false, null);
            var expected = Normalize(AnswerExtractor.ExtractReference(gold ?? ""));
            return new Verdict(expected.Length > 0 && Normalize(extracted) == expected, extracted);
        }
        catch (Exception)
        {
            return new Verdict(false, extracted);
        }
    }

    /// <summary>The exact-match spelling of an answer.</summary>
    internal static string Normalize(string answer)
    {
        var s = answer.Replace("$", "", StringComparison.Ordinal);
        for (var i = 0; i < 4; i++)
        {
            var next = TextWrapper().Replace(s, "$1");
            if (next == s) break;
            s = next;
        }
        s = Whitespace().Replace(s, " ").Trim();
        return s.EndsWith('.') ? s[..^1].TrimEnd() : s;
    }

    [GeneratedRegex(@"\\(?:text|textbf|textrm|textnormal|mathrm|mbox)\s*\{([^{}]*)\}")]
    private static partial Regex TextWrapper();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
