// Pulls the final answer text out of a model response (and out of a gold field).
//
// Policy, in order (the first that applies decides):
// 1. Thinking: a response containing `</think>` is judged only on the text after the LAST `</think>`; a response
//    that opens `<think>` but never closes it has no answer (it ran out of budget while thinking). A response with
//    neither tag is judged whole.
// 2. The final `\boxed{…}` (see BoxedAnswer: nested braces, `\boxed 5`, `\fbox`, joined multi-part boxes).
//    An empty or unclosed final box is no answer; earlier boxes are not consulted. A box outranks any answer cue,
//    even a later one.
// 3. GSM8K style `#### X`: the rest of that line.
// 4. An answer cue — "The (final) answer is X", "Answer: X", "Answer $X$", "答案是X" — the last one wins. X runs to
//    the end of its sentence or line (a '.' inside `$…$` or a number does not end it). When X is itself prose
//    (two or more ordinary words: "Final Answer: The largest $n$ is 34"), the answer is the last number or `$…$`
//    math of that sentence: the model marked that sentence as its answer.
// 5. A bare answer: when nothing above matched, the whole trimmed text is the answer if it is short (≤ 400 chars)
//    and not prose (fewer than three ordinary words outside `$…$` and \text{…}; "and"/"or" do not count). This is
//    what makes `{output: "-5", gold: "-5"}` rows of `pipeline verify --input` work, and `28 percent`,
//    `$1$ and $2$`, `x = 3` or `\text{Evelyn}` count as answers while "The speed is 50 km/h" does not.
// The last number of free prose does NOT count ("The cost is 10 dollars and the profit is 20" has no answer).
// Qwen2.5-Math and Trinity fall back to it; we do not, because in RL it rewards responses that never commit to an
// answer, including responses cut off mid-reasoning whose last number happens to match.
//
// A gold field (ExtractReference) follows steps 2–4 and otherwise is taken whole: golds are trusted, so a worked
// MATH solution yields its final box and a bare gold of any length is the answer itself.
using System.Text.RegularExpressions;

namespace Pipeline.Core.Verifiers;

/// <summary>Extracts the final answer of a model response; see the file header for the policy.</summary>
public static partial class AnswerExtractor
{
    private const int MaxBareAnswerLength = 400;
    private const int MaxCueSpan = 500;
    private const int BareAnswerProseWords = 3;
    private const int CueProseWords = 2;
    private const string ThinkOpen = "<think>";
    private const string ThinkClose = "</think>";

    /// <summary>The final answer text of a model response, or null when it has none.</summary>
    public static string? Extract(string response)
    {
        if (string.IsNullOrWhiteSpace(response)) return null;
        var body = AfterThinking(response);
        if (body is null) return null;
        return TryMarkedAnswer(body, out var answer) ? answer : BareAnswer(body);
    }

    /// <summary>
    /// The answer part of a gold field: its final box, `#### X` or answer cue when it has one (a MATH solution,
    /// "The answer is \boxed{42}"), otherwise the whole trimmed text. Empty when the marked answer is empty.
    /// </summary>
    public static string ExtractReference(string gold)
    {
        if (string.IsNullOrWhiteSpace(gold)) return "";
        return TryMarkedAnswer(gold, out var answer) ? answer ?? "" : gold.Trim();
    }

    /// <summary>The text after the last `&lt;/think&gt;`; null when thinking was opened and never closed.</summary>
    internal static string? AfterThinking(string response)
    {
        var close = response.LastIndexOf(ThinkClose, StringComparison.Ordinal);
        if (close >= 0) return response[(close + ThinkClose.Length)..];
        return response.Contains(ThinkOpen, StringComparison.Ordinal) ? null : response;
    }

    /// <summary>True when the text marks an answer (box, ####, cue); the answer is null when that mark is empty.</summary>
    private static bool TryMarkedAnswer(string text, out string? answer)
    {
        var (outcome, content) = BoxedAnswer.FindFinal(text);
        if (outcome != BoxedAnswer.Outcome.None)
        {
            answer = NullIfEmpty(content);
            return true;
        }
        var hashes = text.LastIndexOf("####", StringComparison.Ordinal);
        if (hashes >= 0)
        {
            var lineEnd = text.IndexOf('\n', hashes);
            answer = NullIfEmpty(CleanCandidate(lineEnd < 0 ? text[(hashes + 4)..] : text[(hashes + 4)..lineEnd]));
            return true;
        }
        var cueEnd = LastCueEnd(text);
        if (cueEnd >= 0)
        {
            answer = FromCue(text, cueEnd);
            return true;
        }
        answer = null;
        return false;
    }

    private static int LastCueEnd(string text)
    {
        var end = -1;
        for (var match = AnswerCue().Match(text); match.Success; match = match.NextMatch()) end = match.Index + match.Length;
        return end;
    }

    private static string? FromCue(string text, int cueEnd)
    {
        var candidate = CleanCandidate(AnswerSpan(text, cueEnd));
        if (candidate.Length == 0) return null;
        return IsProse(candidate, CueProseWords) ? LastNumberOrMath(candidate) : candidate;
    }

    /// <summary>From <paramref name="start"/> to the end of the sentence or line, skipping over math segments.</summary>
    private static string AnswerSpan(string text, int start)
    {
        var i = start;
        while (i < text.Length && char.IsWhiteSpace(text[i])) i++;
        var begin = i;
        while (i < text.Length && i - begin < MaxCueSpan)
        {
            var c = text[i];
            var mathEnd = MathSegmentEnd(text, i);
            if (mathEnd > i) { i = mathEnd; continue; }
            if (c == '\n') break;
            var sentenceEnd = c is '.' or '!' or '?' && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1]));
            if (sentenceEnd || c == '。') break;
            i++;
        }
        // A math segment may jump far; the span never grows past twice the cap, so later regex work stays small.
        return text[begin..Math.Min(Math.Min(i, text.Length), begin + 2 * MaxCueSpan)];
    }

    /// <summary>When a math segment (`$$…$$`, `$…$`, `\(…\)`, `\[…\]`) opens at i, the index after it; else i.</summary>
    private static int MathSegmentEnd(string text, int i)
    {
        string? close = text[i] == '$' ? (i + 1 < text.Length && text[i + 1] == '$' ? "$$" : "$")
            : text[i] == '\\' && i + 1 < text.Length && text[i + 1] == '(' ? "\\)"
            : text[i] == '\\' && i + 1 < text.Length && text[i + 1] == '[' ? "\\]"
            : null;
        if (close is null) return i;
        var openLength = close == "$" ? 1 : 2;
        var at = text.IndexOf(close, i + openLength, StringComparison.Ordinal);
        return at < 0 ? text.Length : at + close.Length;
    }

    private static string? BareAnswer(string body)
    {
        var trimmed = body.Trim();
        if (trimmed.Length == 0 || trimmed.Length > MaxBareAnswerLength || IsProse(trimmed, BareAnswerProseWords)) return null;
        return trimmed;
    }

    /// <summary>
    /// Prose: at least <paramref name="minWords"/> ordinary words (two or more letters, or "a"/"I") outside math
    /// segments and \text{…}; the connectives "and"/"or" do not count, so `$1$ and $2$` and `28 percent` are answers.
    /// </summary>
    internal static bool IsProse(string text, int minWords)
    {
        var outside = MathOrTextSegment().Replace(text, " 0 ");
        var words = 0;
        foreach (var token in outside.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!ProseWord().IsMatch(token) || Connective().IsMatch(token)) continue;
            if (++words >= minWords) return true;
        }
        return false;
    }

    /// <summary>The last number or math segment of a sentence, whichever ends later.</summary>
    private static string? LastNumberOrMath(string sentence)
    {
        Match? number = null, math = null;
        for (var m = PlainNumber().Match(sentence); m.Success; m = m.NextMatch()) number = m;
        for (var m = MathSegment().Match(sentence); m.Success; m = m.NextMatch()) math = m;
        if (number is null && math is null) return null;
        var numberEnd = number is null ? -1 : number.Index + number.Length;
        var mathEnd = math is null ? -1 : math.Index + math.Length;
        if (numberEnd > mathEnd) return number!.Value;
        return NullIfEmpty(CleanCandidate(math!.Groups["body"].Value));
    }

    private static string CleanCandidate(string candidate)
    {
        var s = candidate.Trim().TrimStart(':', '：', '*', ' ', '"').TrimEnd('*', ' ', '"');
        while (s.EndsWith('.') || s.EndsWith(',')) s = s[..^1].TrimEnd();
        return s;
    }

    private static string? NullIfEmpty(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length == 0 ? null : trimmed;
    }

    // "answer is", "answer was", "answer:", "Answer $…$", and the Chinese 答案是/答案为/答案：.
    [GeneratedRegex(@"\banswer\b\s*(?:is\b|was\b|[:：])|\banswer\b(?=\s*(?:\$|\\\(|\\\[))|答案\s*(?:是|为|[:：])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AnswerCue();

    [GeneratedRegex(@"\$\$(?<body>[\s\S]*?)\$\$|\$(?<body>[^$]*)\$|\\\((?<body>[\s\S]*?)\\\)|\\\[(?<body>[\s\S]*?)\\\]", RegexOptions.CultureInvariant)]
    private static partial Regex MathSegment();

    [GeneratedRegex(@"\$\$[\s\S]*?\$\$|\$[^$]*\$|\\\([\s\S]*?\\\)|\\\[[\s\S]*?\\\]|\\(?:text|textbf|textnormal|mathrm|mbox)\s*\{[^{}]*\}", RegexOptions.CultureInvariant)]
    private static partial Regex MathOrTextSegment();

    [GeneratedRegex(@"^[(""']?(?:[A-Za-z][A-Za-z'’-]*[A-Za-z]|a|I)[.,;:!?)""']*$", RegexOptions.CultureInvariant)]
    private static partial Regex ProseWord();

    [GeneratedRegex(@"^(?:and|or)[.,;:]?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Connective();

    [GeneratedRegex(@"-?(?:\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex PlainNumber();
}
