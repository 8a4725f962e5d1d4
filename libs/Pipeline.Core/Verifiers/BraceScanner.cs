// Brace matching for LaTeX arguments. A backslash always escapes the next character, so `\{`, `\}` (set braces)
// and `\\` (a row break) never count as grouping braces. Scans are iterative: 10k nested braces cost one pass.
namespace Pipeline.Core.Verifiers;

internal static class BraceScanner
{
    /// <summary>Index of the '}' closing the '{' at <paramref name="open"/>, or -1 when it is never closed.</summary>
    public static int FindClose(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\') { i++; continue; }
            if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return i;
        }
        return -1;
    }

    /// <summary>Replaces every <c>\command{X}</c> by <c>X</c> (e.g. <c>\boxed{5}</c> → <c>5</c>); unclosed ones stay.</summary>
    public static string UnwrapCommand(string text, string command)
    {
        var start = text.IndexOf(command, StringComparison.Ordinal);
        if (start < 0) return text;
        var sb = new System.Text.StringBuilder(text.Length);
        var copied = 0;
        for (var guard = 0; start >= 0 && guard < 64; guard++)
        {
            var open = start + command.Length;
            while (open < text.Length && text[open] == ' ') open++;
            var close = open < text.Length && text[open] == '{' ? FindClose(text, open) : -1;
            if (close < 0) break;
            sb.Append(text, copied, start - copied).Append(' ').Append(text, open + 1, close - open - 1).Append(' ');
            copied = close + 1;
            start = text.IndexOf(command, copied, StringComparison.Ordinal);
        }
        sb.Append(text, copied, text.Length - copied);
        return sb.ToString();
    }
}
