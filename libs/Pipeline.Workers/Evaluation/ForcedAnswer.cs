using Pipeline.Model.Tokenization;

namespace Pipeline.Workers.Evaluation;

/// <summary>
/// The construction behind <c>evaluation.mode: force-answer</c>. A response still going at budget B is cut after
/// its first B tokens; the end-of-thinking marker <c>"\n&lt;/think&gt;\n\n"</c> (left out when the cut already
/// closed its thinking) and the answer cue <c>"\boxed{"</c> are appended as token ids; the model then writes a short
/// answer of at most <see cref="DefaultMaxTokens"/> tokens, and the verifier judges the whole text
/// (cut + suffix + answer). The answer extractor reads only what follows the last <c>&lt;/think&gt;</c>, and only
/// a closed final box counts, so it is the forced answer that is judged, never a box from inside the thinking.
/// </summary>
/// <remarks>
/// Why <c>\boxed{</c> and not a sentence such as "The final answer is": the math prompt asks for the answer "within
/// \boxed{}", so the box is the format every model under evaluation was asked for, it costs two or three tokens, and
/// it is how the shipped tiny-reasoner's answers begin — prose is off-distribution for a small model. Qwen3's own
/// "thinking budget" recipe appends a longer apology before <c>&lt;/think&gt;</c>; the marker alone is the minimal
/// form of it. The suffix is encoded by itself and appended as ids (the cut tokens are never re-tokenised), so the
/// first B tokens are exactly those the model sampled.
/// </remarks>
public sealed class ForcedAnswer
{
    /// <summary>Closes the thinking of a response cut mid-thought.</summary>
    public const string EndOfThinking = "\n</think>\n\n";

    /// <summary>What the model's answer continues from.</summary>
    public const string AnswerCue = "\\boxed{";

    /// <summary>Default limit of the forced answer: enough for a boxed AIME integer or a short MATH expression and the closing brace.</summary>
    public const int DefaultMaxTokens = 32;

    private const string ThinkClose = "</think>";

    private readonly Func<IReadOnlyList<int>, string> _decode;
    private readonly IReadOnlyList<int> _closingSuffix;
    private readonly IReadOnlyList<int> _cueSuffix;

    /// <param name="encode">Text → ids (the tokenizer's plain encode, no special-token handling needed).</param>
    /// <param name="decode">Ids → the text the verifier reads (special tokens removed).</param>
    /// <exception cref="InvalidDataException">The tokenizer cannot encode the suffixes (decoding them back does not give the same text).</exception>
    public ForcedAnswer(Func<string, IReadOnlyList<int>> encode, Func<IReadOnlyList<int>, string> decode)
    {
        _decode = decode;
        _closingSuffix = EncodeExactly(encode, decode, EndOfThinking + AnswerCue);
        _cueSuffix = EncodeExactly(encode, decode, "\n\n" + AnswerCue);
    }

    /// <summary>A construction for a model's tokenizer.</summary>
    public static ForcedAnswer For(QwenTokenizer tokenizer) =>
        new(tokenizer.Encode, ids => tokenizer.Decode(ids, skipSpecialTokens: true));

    /// <summary>The most tokens a suffix adds (positions a forced answer needs beyond B, besides its own tokens).</summary>
    public int MaxSuffixTokens => Math.Max(_closingSuffix.Count, _cueSuffix.Count);

    /// <summary>The ids appended after <paramref name="cutText"/>: the end-of-thinking marker unless it is already there, then the cue.</summary>
    public IReadOnlyList<int> SuffixAfter(string cutText) => ClosedThinking(cutText) ? _cueSuffix : _closingSuffix;

    /// <summary>The text of <see cref="SuffixAfter"/>.</summary>
    public static string SuffixTextAfter(string cutText) => (ClosedThinking(cutText) ? "\n\n" : EndOfThinking) + AnswerCue;

    /// <summary>
    /// The prompt of the forced answer: the original prompt, the first <paramref name="budget"/> response tokens, the
    /// suffix. Returns the ids and the text of the cut response (for <see cref="JudgedText"/>).
    /// </summary>
    public (IReadOnlyList<int> Ids, string CutText) Prompt(IReadOnlyList<int> promptIds, IReadOnlyList<int> responseIds, int budget)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, 1);
        var cut = responseIds.Take(budget).ToList();
        var cutText = _decode(cut);
        return ([.. promptIds, .. cut, .. SuffixAfter(cutText)], cutText);
    }

    /// <summary>What the verifier judges: the cut response, the suffix and the forced answer, as text.</summary>
    public string JudgedText(string cutText, IReadOnlyList<int> answerIds) => cutText + SuffixTextAfter(cutText) + _decode(answerIds);

    private static bool ClosedThinking(string cutText) => cutText.Contains(ThinkClose, StringComparison.Ordinal);

    private static IReadOnlyList<int> EncodeExactly(Func<string, IReadOnlyList<int>> encode, Func<IReadOnlyList<int>, string> decode, string text)
    {
        var ids = encode(text);
        return decode(ids) == text
            ? ids
            : throw new InvalidDataException($"the tokenizer cannot encode the force-answer suffix {System.Text.Json.JsonSerializer.Serialize(text)} (it decodes back as {System.Text.Json.JsonSerializer.Serialize(decode(ids))})");
    }
}
