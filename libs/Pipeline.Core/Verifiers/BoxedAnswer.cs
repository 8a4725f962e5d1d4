// Finds the final boxed answer of a text: the last `\boxed{…}` (nested braces allowed), also `\boxed 5`,
// `\fbox{…}` and GLM's `<|begin_of_box|>…<|end_of_box|>`.
//
// Choices:
// - Several boxes count as one answer only when nothing but separators stands between them
//   (`\boxed{1}, \boxed{2}`, `\boxed{-2} \quad\text{and}\quad \boxed{1}`, `\(\boxed{1}\) and \(\boxed{2}\)`):
//   a multi-part answer. Boxes separated by prose ("first I thought \boxed{A}, but it is \boxed{B}") do not join;
//   the last one wins.
// - An unclosed last box (`\boxed{12` at the end of a cut-off response) is no answer at all: the model was
//   interrupted mid-answer, and crediting a prefix would reward truncation.
// - Work is bounded: one backward search per box and at most MaxJoined boxes joined.
using System.Text.RegularExpressions;

namespace Pipeline.Core.Verifiers;

internal static partial class BoxedAnswer
{
    private const int MaxJoined = 16;
    private const int MaxGap = 200;
    private const string BoxOpenToken = "<|begin_of_box|>";
    private const string BoxCloseToken = "<|end_of_box|>";

    /// <summary>A box occurrence: where it starts and ends in the text, its content, and whether it was closed.</summary>
    private readonly record struct Box(int Start, int End, string Content, bool Closed);

    public enum Outcome { None, Unclosed, Found }

    /// <summary>The final (possibly joined) box content; <see cref="Outcome.None"/> when the text has no box.</summary>
    public static (Outcome Outcome, string Content) FindFinal(string text)
    {
        var last = FindBoxBefore(text, text.Length);
        if (last is null) return (Outcome.None, "");
        if (!last.Value.Closed) return (Outcome.Unclosed, "");
        var parts = new List<string> { last.Value.Content.Trim() };
        var current = last.Value;
        while (parts.Count < MaxJoined)
        {
            var previous = FindBoxBefore(text, current.Start);
            if (previous is null || !previous.Value.Closed || previous.Value.End > current.Start) break;
            if (!IsSeparatorOnly(text.AsSpan(previous.Value.End, current.Start - previous.Value.End))) break;
            parts.Insert(0, previous.Value.Content.Trim());
            current = previous.Value;
        }
        return (Outcome.Found, string.Join(", ", parts.Where(p => p.Length > 0)));
    }

    /// <summary>The last box starting before <paramref name="limit"/>, or null.</summary>
    private static Box? FindBoxBefore(string text, int limit)
    {
        var boxed = LastIndexBefore(text, "\\boxed", limit);
        var fbox = LastIndexBefore(text, "\\fbox", limit);
        var token = LastIndexBefore(text, BoxOpenToken, limit);
        for (var guard = 0; guard < 64; guard++)
        {
            var start = Math.Max(boxed, Math.Max(fbox, token));
            if (start < 0) return null;
            Box? box = start == token ? ReadToken(text, start)
                : ReadCommand(text, start, start == boxed ? "\\boxed".Length : "\\fbox".Length);
            if (box is not null) return box;
            // Not a box after all (e.g. `\boxedx`): look further back.
            if (start == boxed) boxed = LastIndexBefore(text, "\\boxed", start);
            else if (start == fbox) fbox = LastIndexBefore(text, "\\fbox", start);
            else token = LastIndexBefore(text, BoxOpenToken, start);
        }
        return null;
    }

    private static int LastIndexBefore(string text, string value, int limit)
    {
        if (limit <= 0) return -1;
        var startIndex = Math.Min(text.Length - 1, limit - 1);
        // LastIndexOf only reports matches that end at or before startIndex, so a match never overlaps the limit.
        return text.LastIndexOf(value, startIndex, StringComparison.Ordinal);
    }

    private static Box? ReadCommand(string text, int start, int nameLength)
    {
        var i = start + nameLength;
        if (i < text.Length && char.IsAsciiLetter(text[i])) return null;
        if (i >= text.Length) return new Box(start, text.Length, "", false);
        if (text[i] == '{')
        {
            var close = BraceScanner.FindClose(text, i);
            return close < 0
                ? new Box(start, text.Length, "", false)
                : new Box(start, close + 1, text.Substring(i + 1, close - i - 1), true);
        }
        if (text[i] != ' ') return null;
        // `\boxed 5`: one token after the space, up to whitespace or a math delimiter.
        while (i < text.Length && text[i] == ' ') i++;
        var end = i;
        while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] != '$') end++;
        return end == i ? null : new Box(start, end, text[i..end], true);
    }

    private static Box? ReadToken(string text, int start)
    {
        var from = start + BoxOpenToken.Length;
        var close = text.IndexOf(BoxCloseToken, from, StringComparison.Ordinal);
        return close < 0
            ? new Box(start, text.Length, "", false)
            : new Box(start, close + BoxCloseToken.Length, text[from..close], true);
    }

    private static bool IsSeparatorOnly(ReadOnlySpan<char> gap)
    {
        if (gap.Length > MaxGap) return false;
        var rest = SeparatorText().Replace(gap.ToString(), "");
        return rest.Length == 0;
    }

    // Math delimiters, spacing commands, `\text{and}`, punctuation, the words "and"/"or", whitespace.
    [GeneratedRegex(@"\\text\s*\{\s*(?:and|or|,)?\s*\}|\\q?quad|\\[,;:! ]|\\[()\[\]]|\$|[,;.&]|\band\b|\bor\b|\s", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SeparatorText();
}
