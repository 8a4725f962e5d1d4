// Reads a normalised answer (see LatexNormalizer) into a MathValue (see MathAnswer).
//
// Reading order for one answer:
// 1. Top-level list: `1, 2`, `1; 2`, `1 and 2`, `21, 16 or 11` → an unordered list (flattened with ± alternatives).
// 2. Relations: `x ∈ S` → S. Approximations are dropped (`\frac{\sqrt3}{3} ≈ 0.577` → the exact part), except that
//    `x ≈ 11` means 11. An `=` chain whose first part is a label (`x`, `f(x)`, `(p, q)`, `a_{37}`, `|AB|`, `A:B`,
//    `\frac{NO}{BO}`) is an assignment of its last part (`x = 5+5+1 = 11` → 11). A chain that only computes
//    (`\sqrt{4} = 2`, `\binom{5}{2} = 10`, `1/2 = 10/9`: no free variables at either end) is its last part.
//    Otherwise it is an equation (`7 = 11a + c`, `2x + 4y - 3 = 0`). `a < x < b` with a label in the middle is
//    the interval (a, b) (brackets follow < / ≤); one inequality is a relation; anything else is text.
// 3. `∪` → a union; `±`/`∓` → the two alternatives (at most two ± signs).
// 4. Matrices; `(…)`/`[…]` with a top-level comma → tuple/interval; `\{…\}` → set.
// 5. A scalar: a trailing `%` is remembered; trailing unit words after a number are dropped (`125 miles`,
//    `15 cm^2`, `50 km/h`, `17 any text`); a bare word (`odd`, `Evelyn`) is text; otherwise an expression.
// Bounded: at most MaxItems items per collection and MaxDepth levels of nesting; beyond that, text.
using System.Text.RegularExpressions;

namespace Pipeline.Core.Verifiers;

internal static partial class MathAnswerParser
{
    private const int MaxItems = 64;
    private const int MaxDepth = 8;

    public static MathValue Parse(string normalized) => ParseList(normalized, 0);

    private static MathValue ParseList(string s, int depth)
    {
        var parts = TopLevelScanner.SplitList(s, words: true);
        if (parts.Count <= 1) return ParseElement(parts.Count == 1 ? parts[0] : s, depth + 1);
        if (parts.Count > MaxItems || depth > MaxDepth) return new TextValue(s);
        var items = new List<MathValue>();
        foreach (var part in parts) AddFlattened(items, ParseElement(part, depth + 1));
        return new CollectionValue(s, CollectionKind.List, items);
    }

    /// <summary>Lists inside a list (from ± or `x = a ± b`) are spliced into it.</summary>
    private static void AddFlattened(List<MathValue> items, MathValue value)
    {
        var inner = value is AssignmentValue assignment ? assignment.Value : value;
        if (inner is CollectionValue { Kind: CollectionKind.List } list) items.AddRange(list.Items);
        else items.Add(value);
    }

    private static MathValue ParseElement(string s, int depth)
    {
        s = StripGroupBraces(s.Trim());
        if (s.Length == 0 || depth > MaxDepth) return new TextValue(s);
        if (TopLevelScanner.SplitList(s, words: false).Count > 1) return ParseList(s, depth);
        var (parts, ops) = TopLevelScanner.SplitRelations(s);
        if (ops.Count > 0) return ParseRelation(s, parts, ops, depth);
        var union = TopLevelScanner.SplitOn(s, '∪');
        if (union.Count > 1) return new CollectionValue(s, CollectionKind.Union, union.Select(p => ParseElement(p, depth + 1)).ToList());
        if (s.Contains('±', StringComparison.Ordinal) || s.Contains('∓', StringComparison.Ordinal)) return PlusMinus(s, depth);
        return MatrixOf(s, depth) ?? Bracketed(s, depth) ?? ParseScalar(s);
    }

    private static MathValue ParseRelation(string s, List<string> parts, List<char> ops, int depth)
    {
        var lastIn = ops.LastIndexOf('∈');
        if (lastIn >= 0) return ParseElement(parts[lastIn + 1], depth + 1);
        var approx = ops.IndexOf('≈');
        if (approx >= 0)
        {
            if (approx == 0 && IsLabel(parts[0])) return ParseElement(parts[1], depth + 1);
            parts = parts[..(approx + 1)];
            ops = ops[..approx];
            if (ops.Count == 0) return ParseElement(parts[0], depth + 1);
        }
        if (parts.Any(p => p.Length == 0)) return new TextValue(s);
        if (ops.TrueForAll(o => o == '=')) return EqualityChain(s, parts, depth);
        if (ops.Count == 2 && DoubleInequality(s, parts, ops, depth) is { } interval) return interval;
        return ops.Count == 1 ? (MathValue?)MakeRelation(s, ops[0], parts[0], parts[1]) ?? new TextValue(s) : new TextValue(s);
    }

    private static MathValue EqualityChain(string s, List<string> parts, int depth)
    {
        var first = parts[0];
        var last = parts[^1];
        if (IsLabel(first))
        {
            var value = ParseElement(last, depth + 1);
            return new AssignmentValue(s, first, value, MakeRelation(s, '=', first, last));
        }
        if (!HasFreeVariables(first) && !HasFreeVariables(last)) return ParseElement(last, depth + 1);
        return (MathValue?)MakeRelation(s, '=', first, last) ?? new TextValue(s);
    }

    /// <summary>`a &lt; x ≤ b` (or reversed) around a label → the interval (a, b].</summary>
    private static SequenceValue? DoubleInequality(string s, List<string> parts, List<char> ops, int depth)
    {
        if (!IsLabel(parts[1])) return null;
        var increasing = ops.TrueForAll(o => o is '<' or '≤');
        var decreasing = ops.TrueForAll(o => o is '>' or '≥');
        if (!increasing && !decreasing) return null;
        var (low, high, lowOp, highOp) = increasing ? (parts[0], parts[2], ops[0], ops[1]) : (parts[2], parts[0], ops[1], ops[0]);
        var open = lowOp is '<' or '>' ? '(' : '[';
        var close = highOp is '<' or '>' ? ')' : ']';
        return new SequenceValue(s, open, close, [ParseElement(low, depth + 1), ParseElement(high, depth + 1)]);
    }

    /// <summary>A relation canonicalised to = ≠ &lt; ≤ (a &gt; b becomes b &lt; a); null when a side does not parse.</summary>
    private static RelationValue? MakeRelation(string s, char op, string left, string right)
    {
        var l = MathExpressionParser.TryParse(left);
        var r = MathExpressionParser.TryParse(right);
        if (l is null || r is null) return null;
        return op switch
        {
            '>' => new RelationValue(s, '<', r, l),
            '≥' => new RelationValue(s, '≤', r, l),
            _ => new RelationValue(s, op, l, r),
        };
    }

    private static bool HasFreeVariables(string part) => MathExpressionParser.TryParse(part)?.Variables().Count > 0;

    /// <summary>A name rather than a value: letters, subscripts, (), `,`, `:`, `|` and a few decorations; no digits or operators.</summary>
    internal static bool IsLabel(string part)
    {
        var stripped = Subscript().Replace(part, "").Replace(" ", "", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal);
        return stripped.Length is > 0 and <= 40 && stripped.Any(char.IsAsciiLetter) && LabelText().IsMatch(stripped);
    }

    private static MathValue PlusMinus(string s, int depth)
    {
        var variants = new List<string> { s };
        for (var round = 0; round < 2; round++)
        {
            variants = variants.SelectMany(ExpandFirstPlusMinus).ToList();
        }
        if (variants.Exists(v => v.Contains('±', StringComparison.Ordinal) || v.Contains('∓', StringComparison.Ordinal))) return new TextValue(s);
        return new CollectionValue(s, CollectionKind.List, variants.Select(v => ParseElement(v, depth + 1)).ToList());
    }

    private static IEnumerable<string> ExpandFirstPlusMinus(string s)
    {
        var at = s.IndexOfAny(['±', '∓']);
        if (at < 0) return [s];
        var (first, second) = s[at] == '±' ? ("+", "-") : ("-", "+");
        return [s[..at] + first + s[(at + 1)..], s[..at] + second + s[(at + 1)..]];
    }

    private static MatrixValue? MatrixOf(string s, int depth)
    {
        var match = Matrix().Match(s);
        if (!match.Success || match.Groups["env"].Value is "vmatrix" or "Vmatrix") return null;
        var rows = match.Groups["body"].Value.Split("\\\\").Select(r => r.Trim()).Where(r => r.Length > 0).ToList();
        if (rows.Count == 0 || rows.Count > MaxItems) return null;
        var cells = rows.Select(r => (IReadOnlyList<MathValue>)r.Split('&').Select(c => ParseElement(c, depth + 1)).ToList()).ToList();
        return cells.TrueForAll(r => r.Count == cells[0].Count) ? new MatrixValue(s, cells) : null;
    }

    /// <summary>`(a, b)`, `[a, b)`, `\{a, b\}`, or brackets around a single matrix.</summary>
    private static MathValue? Bracketed(string s, int depth)
    {
        var isSet = s.Length >= 4 && s.StartsWith("\\{", StringComparison.Ordinal) && s.EndsWith("\\}", StringComparison.Ordinal);
        if (!isSet && (s.Length < 2 || s[0] is not ('(' or '['))) return null;
        if (TopLevelScanner.GroupEnd(s) != s.Length - 1) return null;
        var inner = isSet ? s[2..^2] : s[1..^1];
        var items = TopLevelScanner.SplitList(inner, words: false);
        if (items.Count > MaxItems) return new TextValue(s);
        if (isSet) return new CollectionValue(s, CollectionKind.Set, items.Select(i => ParseElement(i, depth + 1)).ToList());
        if (items.Count >= 2) return new SequenceValue(s, s[0], s[^1], items.Select(i => ParseElement(i, depth + 1)).ToList());
        return MatrixOf(inner.Trim(), depth);
    }

    private static MathValue ParseScalar(string s)
    {
        var text = s;
        var percent = text.EndsWith('%');
        if (percent) text = text[..^1].TrimEnd();
        text = StripUnits(text);
        if (text.Length == 0 || BareWord().IsMatch(text)) return new TextValue(text.Length == 0 ? s : text);
        var node = MathExpressionParser.TryParse(text);
        return node is null ? new TextValue(text) : new ScalarValue(text, node, percent);
    }

    /// <summary>Drops trailing unit words after a number: `125 miles`, `15 cm^2`, `50 km/h`, `3 square units`.</summary>
    private static string StripUnits(string text)
    {
        for (var round = 0; round < 4; round++)
        {
            var match = TrailingUnit().Match(text);
            if (!match.Success) break;
            var prefix = text[..match.Index];
            if (!prefix.Any(char.IsAsciiDigit) || FunctionNode.IsKnown(match.Groups["word"].Value)) break;
            text = prefix.TrimEnd();
        }
        return text;
    }

    /// <summary>`{…}` wrapping the whole answer is a TeX group, not a set: `{1,3}` is the list 1, 3.</summary>
    private static string StripGroupBraces(string s)
    {
        while (s.Length >= 2 && s[0] == '{' && TopLevelScanner.GroupEnd(s) == s.Length - 1) s = s[1..^1].Trim();
        return s;
    }

    [GeneratedRegex(@"_\{[^{}]*\}|_\\?[A-Za-z0-9]")]
    private static partial Regex Subscript();

    [GeneratedRegex(@"^(?:[A-Za-z(),:|{}]|\\(?:frac|overline|angle|vec|hat|bar|alpha|beta|gamma|delta|theta|lambda|mu|phi|omega|Delta|Omega)(?![A-Za-z]))+$")]
    private static partial Regex LabelText();

    [GeneratedRegex(@"^\\begin\{(?<env>[pbBvV]?matrix|array)\}(?:\{[^{}]*\})?(?<body>.*)\\end\{\k<env>\}$", RegexOptions.Singleline)]
    private static partial Regex Matrix();

    [GeneratedRegex(@"(?<=\S)\s+(?<word>[A-Za-z]{2,})(?:\s*\^\s*\{?\d\}?|/[A-Za-z]+)?$")]
    private static partial Regex TrailingUnit();

    [GeneratedRegex(@"^[A-Za-z]{2,}$")]
    private static partial Regex BareWord();
}
