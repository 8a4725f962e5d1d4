// The `Split` pre-tokenizer of HF tokenizers (behavior "Isolated", invert false) as a
// Microsoft.ML.Tokenizers PreTokenizer: every regex match is a piece, and so is every gap between matches.
//
// Why not Microsoft.ML's RegexPreTokenizer: .NET regexes see UTF-16 code units, so `\p{L}` and `\p{N}`
// never match a character outside the BMP (𝐀, 𝟎, 𠀀 are surrogate pairs), while HF (Oniguruma) matches
// code points. With Qwen's pattern " 𝟎" is then one piece here but " " + "𝟎" in HF, and the ids differ.
// Fix: when the text has surrogate pairs, run the regex over a "shadow" string in which each pair is
// replaced by one BMP character of the same Unicode category (no pattern here names an astral character
// literally), then map the match offsets back. Text without surrogates (the common case) is matched
// directly. The regex is compiled once per tokenizer; matching allocates only the result list.
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Pipeline.Model.Tokenization;

internal sealed class CodePointRegexPreTokenizer : PreTokenizer
{
    private static readonly char[] CategoryStandIns = BuildStandIns();
    private readonly Regex _regex;

    public CodePointRegexPreTokenizer(string pattern)
    {
        // Same options HF uses in spirit: culture-free; Compiled because every encode runs it.
        _regex = new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
    }

    public string Pattern => _regex.ToString();

    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) =>
        string.IsNullOrEmpty(text) ? [] : PreTokenize(text.AsSpan());

    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text)
    {
        var pieces = new List<(int Offset, int Length)>();
        if (text.IsEmpty) return pieces;
        if (text.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            Split(text, pieces);
            return pieces;
        }
        var (shadow, origin) = BuildShadow(text);
        var shadowPieces = new List<(int Offset, int Length)>();
        Split(shadow, shadowPieces);
        foreach (var (offset, length) in shadowPieces)
            pieces.Add((origin[offset], origin[offset + length] - origin[offset]));
        return pieces;
    }

    /// <summary>Isolated split: matches and the gaps between them, in order, empty matches dropped.</summary>
    private void Split(ReadOnlySpan<char> text, List<(int Offset, int Length)> pieces)
    {
        var position = 0;
        foreach (var match in _regex.EnumerateMatches(text))
        {
            if (match.Length == 0) continue;
            if (match.Index > position) pieces.Add((position, match.Index - position));
            pieces.Add((match.Index, match.Length));
            position = match.Index + match.Length;
        }
        if (position < text.Length) pieces.Add((position, text.Length - position));
    }

    /// <summary>One char per code point; origin[i] is where shadow char i starts in the text.</summary>
    private static (char[] Shadow, int[] Origin) BuildShadow(ReadOnlySpan<char> text)
    {
        var shadow = new char[text.Length];
        var origin = new int[text.Length + 1];
        var n = 0;
        for (var i = 0; i < text.Length; n++)
        {
            origin[n] = i;
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var category = CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(c, text[i + 1]));
                shadow[n] = CategoryStandIns[(int)category];
                i += 2;
            }
            else
            {
                shadow[n] = c;
                i++;
            }
        }
        origin[n] = text.Length;
        return (shadow[..n], origin[..(n + 1)]);
    }

    /// <summary>For each Unicode category, a BMP character of that category outside Latin (U+0370 up).</summary>
    private static char[] BuildStandIns()
    {
        var standIns = new char[Enum.GetValues<UnicodeCategory>().Length];
        Array.Fill(standIns, '\uFFFD');
        for (int c = 0xFFFF; c >= 0x370; c--)
        {
            if (c is >= 0xD800 and <= 0xDFFF) continue;
            var category = (int)CharUnicodeInfo.GetUnicodeCategory((char)c);
            standIns[category] = (char)c; // scanning downwards leaves the lowest such character
        }
        return standIns;
    }
}
