// Turns an extracted answer (LaTeX or plain math) into one canonical spelling before it is parsed or compared.
//
// What it does, in order: undoes double-escaped commands (`\\frac` from JSON-escaped sources); drops `\left`,
// `\right` and `\big…` sizing; drops math delimiters (`$`, `\(`, `\[`) and currency (`\$`, €, £); unwraps
// `\boxed{}`/`\fbox{}`; removes thousands separators (`1,000`, `1{,}000`, `1,\!000`, `1\,000`, `1 000`) and `\!`;
// unwraps `\text{}`, `\textbf{}`, `\mathrm{}` and friends (keeping their content: units are dropped later, by the
// answer parser, only when they follow a number); reads `918\frac{1}{2}` as the mixed number 918 + 1/2; drops degrees (`^\circ`, `^{\circ}`, °); turns `\%` and the
// words percent/pct/percentage into `%`; spells relations, operators and constants as single symbols
// (≤ ≥ ≠ ≈ ∈ ∪ ± ∞ π * /); and folds `\dfrac`/`\tfrac`/`\cfrac` into `\frac`.
//
// A comma is never a decimal point: `1,5` is the list 1, 5 (European decimal commas are ambiguous with lists and
// with thousands separators, and the training data is English). A comma is a thousands separator only between
// digit groups of exactly three (`1,000`, not `0,111`, not after an opening bracket where it separates a pair).
using System.Text.RegularExpressions;

namespace Pipeline.Core.Verifiers;

/// <summary>Canonical spelling of a math answer; see the file header for every rule.</summary>
public static partial class LatexNormalizer
{
    /// <summary>The canonical spelling of <paramref name="answer"/> (whitespace collapsed, trailing period dropped).</summary>
    public static string Normalize(string answer)
    {
        var s = answer.Trim();
        if (s.Length == 0) return s;
        s = DoubleEscapedCommand().Replace(s, "");
        s = Sizing().Replace(s, "");
        s = Delimiters().Replace(s, " ");
        s = UnwrapRepeatedly(s, "\\boxed");
        s = UnwrapRepeatedly(s, "\\fbox");
        s = RemoveThousandsSeparators(s);
        s = UnwrapText(s);
        s = MixedNumber().Replace(s, "($1+\\frac{$2}{$3})");
        s = Degrees().Replace(s, "");
        s = Quad().Replace(s, " ");
        s = Command().Replace(s, m => CommandReplacement(m.Groups[1].Value) ?? m.Value);
        s = ReplaceOperators(s);
        s = PercentWord().Replace(s, "%");
        s = Whitespace().Replace(s, " ").Trim();
        s = TrimTrailingPunctuation(s);
        return SpacedThousands().IsMatch(s) ? s.Replace(" ", "", StringComparison.Ordinal) : s;
    }

    /// <summary>
    /// A legal integer string in canonical form (`033` → `33`, `+033` → `33`, `-0` → `0`, `000` → `0`); anything
    /// else (`3.3`, `--33`, `33a`, empty) comes back unchanged.
    /// </summary>
    public static string CanonicalizeInteger(string text)
    {
        var match = IntegerLiteral().Match(text);
        if (!match.Success) return text;
        var digits = match.Groups["digits"].Value.TrimStart('0');
        if (digits.Length == 0) return "0";
        return match.Groups["sign"].Value == "-" ? "-" + digits : digits;
    }

    private static string UnwrapRepeatedly(string s, string command)
    {
        for (var i = 0; i < 4 && s.Contains(command, StringComparison.Ordinal); i++)
        {
            var next = BraceScanner.UnwrapCommand(s, command);
            if (next == s) break;
            s = next;
        }
        return s;
    }

    private static string RemoveThousandsSeparators(string s)
    {
        s = BracedComma().Replace(s, "");
        s = SpacedCommaThousands().Replace(s, "");
        s = ThinSpaceThousands().Replace(s, "");
        s = s.Replace("\\!", "", StringComparison.Ordinal);
        return CommaThousands().Replace(s, m => m.Value.Replace(",", "", StringComparison.Ordinal));
    }

    private static string UnwrapText(string s)
    {
        for (var i = 0; i < 4; i++)
        {
            var next = TextCommand().Replace(s, m => " " + m.Groups[1].Value + " ");
            if (next == s) break;
            s = next;
        }
        return s;
    }

    private static string? CommandReplacement(string name) => name switch
    {
        "le" or "leq" or "leqslant" => " ≤ ",
        "ge" or "geq" or "geqslant" => " ≥ ",
        "ne" or "neq" => " ≠ ",
        "lt" => " < ",
        "gt" => " > ",
        "approx" or "simeq" => " ≈ ",
        "in" => " ∈ ",
        "cup" => " ∪ ",
        "cdot" or "times" or "ast" => "*",
        "div" => "/",
        "infty" or "infin" => "∞",
        "pm" => "±",
        "mp" => "∓",
        "pi" => "π",
        "dots" or "ldots" or "cdots" => "...",
        "displaystyle" or "limits" => " ",
        "dfrac" or "tfrac" or "cfrac" => "\\frac",
        "dbinom" or "tbinom" => "\\binom",
        "lvert" or "rvert" or "vert" or "mid" => "|",
        "colon" => ":",
        _ => null,
    };

    private static string ReplaceOperators(string s)
    {
        s = Spacing().Replace(s, " ");
        return s.Replace("\\%", "%", StringComparison.Ordinal)
            .Replace("<=", " ≤ ", StringComparison.Ordinal).Replace(">=", " ≥ ", StringComparison.Ordinal)
            .Replace("!=", " ≠ ", StringComparison.Ordinal)
            .Replace('×', '*').Replace('·', '*').Replace('÷', '/').Replace('−', '-').Replace('–', '-');
    }

    private static string TrimTrailingPunctuation(string s)
    {
        while (true)
        {
            if (s.EndsWith('\\')) s = s[..^1].TrimEnd();   // `185\` (a stray backslash) and `\\` (a row break)
            else if (s.Length > 0 && s[^1] is '.' or ',' or ';' or ':') s = s[..^1].TrimEnd();
            else return s;
        }
    }

    // `\\frac` (a JSON-escaped `\frac`): drop the first backslash, unless it is part of a longer run (`\\\end`).
    [GeneratedRegex(@"(?<!\\)\\(?=\\(?:[dtc]?frac|sqrt|left|right|leq?|geq?|lt|gt|neq?|boxed|text|textbf|mathrm|mbox|pi|cdot|times|infty|in|cup|pm|mp|circ|approx|q?quad|begin|end|sin|cos|tan|sec|csc|cot|log|ln|mathbf|l?dots|div)(?![a-zA-Z])|\\[%$])")]
    private static partial Regex DoubleEscapedCommand();

    [GeneratedRegex(@"\\(?:left|right|[bB]igg?[lr]?)(?![a-zA-Z])(?:\s*\.)?")]
    private static partial Regex Sizing();

    [GeneratedRegex(@"(?<!\\)\\\$|(?<!\\)\\[()\[\]]|\$|[€£¥]")]
    private static partial Regex Delimiters();

    [GeneratedRegex(@"(?<=\d)\s*\{\s*,\s*\}\s*(?=\d)")]
    private static partial Regex BracedComma();

    [GeneratedRegex(@"(?<=\d),\\!\s*(?=\d{3}(?!\d))")]
    private static partial Regex SpacedCommaThousands();

    [GeneratedRegex(@"(?<=\d)\\,(?=\d{3}(?!\d))")]
    private static partial Regex ThinSpaceThousands();

    [GeneratedRegex(@"(?<![\d.,(\[{])(?!0,)\d{1,3}(?:,\d{3})+(?![\d])")]
    private static partial Regex CommaThousands();

    [GeneratedRegex(@"\\(?:text|textbf|textit|textrm|textnormal|textsf|texttt|mathrm|mathbf|mathit|mathsf|mathtt|mathbb|mathcal|mbox|hbox|operatorname|boldsymbol|emph)\s*\{([^{}]*)\}")]
    private static partial Regex TextCommand();

    // `918\frac{1}{2}` is the mixed number 918½, not 918 × ½ (integers only, as in MATH answers).
    [GeneratedRegex(@"(?<![\d.}^_])(\d+)\s*\\[dtc]?frac\s*\{\s*(\d+)\s*\}\s*\{\s*(\d+)\s*\}")]
    private static partial Regex MixedNumber();

    [GeneratedRegex(@"\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|\\degree|°")]
    private static partial Regex Degrees();

    [GeneratedRegex(@"\\([a-zA-Z]+)")]
    private static partial Regex Command();

    // `\quad` also when glued to the next word (`,\quadx_{2}=…` occurs in real gold answers).
    [GeneratedRegex(@"\\q?quad")]
    private static partial Regex Quad();

    [GeneratedRegex(@"(?<!\\)\\[,;: >]|~")]
    private static partial Regex Spacing();

    [GeneratedRegex(@"(?<=[\d}])\s*(?:percentage|percent|pct)\b", RegexOptions.IgnoreCase)]
    private static partial Regex PercentWord();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"^-?\d{1,3}(?: \d{3})+(?:\.\d+)?$")]
    private static partial Regex SpacedThousands();

    [GeneratedRegex(@"^(?<sign>[+-]?)(?<digits>\d+)$")]
    private static partial Regex IntegerLiteral();
}
