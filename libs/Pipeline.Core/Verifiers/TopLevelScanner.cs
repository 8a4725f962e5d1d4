// Splits normalised answers at separators that are not nested inside brackets, braces, set braces `\{ \}` or
// `\begin…\end` environments: list separators (`,` `;` and the words "and"/"or"), relation symbols and `∪`.
// Brackets of any kind count as one nesting level, so an interval's mismatched `[0, 1)` still balances.
namespace Pipeline.Core.Verifiers;

internal static class TopLevelScanner
{
    public const string RelationSymbols = "=≈<>≤≥≠∈";

    /// <summary>Parts between top-level `,` `;` (and, when <paramref name="words"/>, the words and/or); empties dropped.</summary>
    public static List<string> SplitList(string s, bool words)
    {
        var parts = Split(s, i => s[i] is ',' or ';' ? 1 : words ? WordSeparatorWidth(s, i) : 0, null);
        return parts.Where(p => p.Length > 0).ToList();
    }

    /// <summary>Parts and the relation symbols between them (`x = 5+5 = 10` → [x, 5+5, 10], [=, =]).</summary>
    public static (List<string> Parts, List<char> Ops) SplitRelations(string s)
    {
        var ops = new List<char>();
        var parts = Split(s, i => RelationSymbols.Contains(s[i], StringComparison.Ordinal) ? 1 : 0, ops);
        return (parts, ops);
    }

    /// <summary>Parts between top-level occurrences of <paramref name="separator"/>, trimmed.</summary>
    public static List<string> SplitOn(string s, char separator) => Split(s, i => s[i] == separator ? 1 : 0, null);

    /// <summary>Index of the character closing the group that opens at index 0, or -1 when it never closes.</summary>
    public static int GroupEnd(string s)
    {
        var depth = 0;
        for (var i = 0; i < s.Length;)
        {
            var (next, delta) = Step(s, i);
            depth += delta;
            if (depth <= 0 && delta < 0) return next - 1;
            if (i == 0 && delta <= 0) return -1;
            i = next;
        }
        return -1;
    }

    /// <summary>Splits where <paramref name="separatorWidth"/> reports a separator at depth 0; records the separators.</summary>
    private static List<string> Split(string s, Func<int, int> separatorWidth, List<char>? separators)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i < s.Length;)
        {
            var width = depth == 0 && s[i] != '\\' ? separatorWidth(i) : 0;
            if (width > 0)
            {
                parts.Add(s[start..i].Trim());
                separators?.Add(s[i]);
                i += width;
                start = i;
                continue;
            }
            var (next, delta) = Step(s, i);
            depth = Math.Max(0, depth + delta);
            i = next;
        }
        parts.Add(s[start..].Trim());
        return parts;
    }

    /// <summary>The index after the token at i and how it changes the nesting depth.</summary>
    private static (int Next, int Delta) Step(string s, int i)
    {
        var c = s[i];
        if (c is '(' or '[' or '{') return (i + 1, 1);
        if (c is ')' or ']' or '}') return (i + 1, -1);
        if (c != '\\' || i + 1 >= s.Length) return (i + 1, 0);
        var next = s[i + 1];
        if (next == '{') return (i + 2, 1);
        if (next == '}') return (i + 2, -1);
        if (!char.IsAsciiLetter(next)) return (i + 2, 0);
        var end = i + 1;
        while (end < s.Length && char.IsAsciiLetter(s[end])) end++;
        var name = s.AsSpan(i + 1, end - i - 1);
        return (end, name is "begin" ? 1 : name is "end" ? -1 : 0);
    }

    private static int WordSeparatorWidth(string s, int i)
    {
        foreach (var word in (ReadOnlySpan<string>)["and", "or"])
        {
            if (string.CompareOrdinal(s, i, word, 0, word.Length) != 0) continue;
            var before = i == 0 || !char.IsAsciiLetter(s[i - 1]);
            var after = i + word.Length >= s.Length || !char.IsAsciiLetter(s[i + word.Length]);
            if (before && after) return word.Length;
        }
        return 0;
    }
}
