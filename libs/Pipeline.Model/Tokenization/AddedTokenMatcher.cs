// Finds added tokens in text the way HF tokenizers' AddedVocabulary does: an Aho-Corasick search
// with MatchKind::LeftmostLongest — the earliest match wins, and at one position the longest token.
// Here: SearchValues over the tokens' first characters jumps to candidates (all of Qwen's start with
// '<'), then the tokens starting with that character are tried longest first.
using System.Buffers;

namespace Pipeline.Model.Tokenization;

internal sealed class AddedTokenMatcher
{
    private readonly SearchValues<char> _firstChars;
    private readonly Dictionary<char, AddedToken[]> _byFirstChar;

    public AddedTokenMatcher(IEnumerable<AddedToken> tokens)
    {
        _byFirstChar = tokens
            .Where(t => t.Content.Length > 0)
            .GroupBy(t => t.Content[0])
            .ToDictionary(g => g.Key, g => g.OrderByDescending(t => t.Content.Length).ToArray());
        _firstChars = SearchValues.Create(_byFirstChar.Keys.ToArray());
    }

    public bool IsEmpty => _byFirstChar.Count == 0;

    /// <summary>
    /// The leftmost-longest added token in <paramref name="text"/> at or after <paramref name="start"/>:
    /// its index, or -1 when there is none.
    /// </summary>
    public int FindNext(ReadOnlySpan<char> text, int start, out AddedToken? token)
    {
        token = null;
        if (IsEmpty) return -1;
        var position = start;
        while (position < text.Length)
        {
            var offset = text[position..].IndexOfAny(_firstChars);
            if (offset < 0) return -1;
            position += offset;
            foreach (var candidate in _byFirstChar[text[position]])
            {
                if (!text[position..].StartsWith(candidate.Content, StringComparison.Ordinal)) continue;
                token = candidate;
                return position;
            }
            position++;
        }
        return -1;
    }
}
