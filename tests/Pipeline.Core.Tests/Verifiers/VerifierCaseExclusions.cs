// Which rows of ../shared/data/verifier_cases.jsonl and answer_extraction_cases.jsonl are NOT applicable to our
// verifier, and why. A row is excluded only where its grader's semantics differ from the documented policy of
// Pipeline.Core.Verifiers (extraction from prose, box joining, decimal commas, grader options, library quirks) —
// never merely because we get it wrong: rows that need something we do not support (solving |z| inequalities,
// grouped assignments, \sum algebra) stay applicable and count as disagreements.
namespace Pipeline.Core.Tests.Verifiers;

internal static class VerifierCaseExclusions
{
    public const string DecimalComma =
        "European decimal comma (1000,99 = 1000.99): a comma is never a decimal point here; it separates list items and thousands";
    public const string ProseAnswer =
        "answer stated only in free prose (no box, no answer cue): Math-Verify/Trinity/AReaL take the last number or math of the text; our policy gives such responses no answer";
    public const string NewlineInInlineMath =
        "Math-Verify rejects a line break inside inline $…$ or \\(…\\); we accept it";
    public const string BoxBeforeCue =
        "an earlier \\boxed{} outranks a later 'The final answer is …' cue (box first, by policy); Math-Verify lets the later cue win";
    public const string BoxesJoinedAcrossProse =
        "Math-Verify joins boxes separated by prose ('for part (a) and', 'papers and', '++++++', 'y_2 ='); we join boxes only across separators (, ; and or \\quad)";
    public const string PrecisionOption =
        "Math-Verify run with precision < 6 (rounds to fewer decimals); our tolerance is fixed (NumericComparer)";
    public const string SetRelationOption =
        "Math-Verify allow_set_relation_comp option (interval vs. double inequality, direction-dependent); no counterpart here";
    public const string NonStrictOption =
        "Math-Verify strict=False (variable names ignored); we are always strict";
    public const string LibraryQuirk =
        "documented library quirk (see the row's note): a mathematically correct verifier disagrees";
    public const string OrderedLists =
        "hendrycks is_equiv compares lists in order; we compare bare lists as sets (see MathEquivalence)";
    public const string Geometry3kBrackets =
        "geometry3k's convention of answers in [brackets] inside prose; in math notation [a, b] is an interval";
    public const string RllmFormat =
        "rllm's RewardMathFn requires </think> and a \\boxed answer; we also accept 'The answer is X' and responses without thinking";
    public const string TrinityBoxRequired =
        "Trinity compute_score_v0 requires a \\boxed answer; we also accept 'The answer is X'";
    public const string PlainSqrtInGold =
        "Math-Verify cannot parse the plain-text gold 'sqrt(2)' and fails the row; we read sqrt(2) as √2";
    public const string LastNumberExtraction =
        "Trinity's extract_answer falls back to the last number of free prose; our policy does not (AnswerExtractor)";

    private static readonly Dictionary<int, string> VerifierRowsById = BuildById();

    /// <summary>Field predicates, checked after the id table.</summary>
    private static readonly (string Reason, Func<VerifierCase, bool> Matches)[] VerifierRowsByField =
    [
        (PrecisionOption, row => row.Param("precision") is { } p && p.GetInt32() < 6),
        (SetRelationOption, row => row.HasParam("allow_set_relation_comp")),
        (NonStrictOption, row => row.Param("strict") is { ValueKind: System.Text.Json.JsonValueKind.False }),
        (Geometry3kBrackets, row => row.Grader.Contains("geometry3k", StringComparison.Ordinal) && row.Output.Contains('[', StringComparison.Ordinal)),
        (RllmFormat, row => row.Grader.StartsWith("rllm RewardMathFn", StringComparison.Ordinal) && !HasBox(row.Output)),
        (TrinityBoxRequired, row => row.Grader.StartsWith("trinity compute_score_v0", StringComparison.Ordinal)
            && row.Output.Length > 0 && !HasBox(row.Output)),
    ];

    /// <summary>The reason a verifier case is not applicable, or null when it is.</summary>
    public static string? ReasonFor(VerifierCase row)
    {
        if (VerifierRowsById.TryGetValue(row.Id, out var reason)) return reason;
        foreach (var (fieldReason, matches) in VerifierRowsByField)
        {
            if (matches(row)) return fieldReason;
        }
        return null;
    }

    /// <summary>The reason an answer-extraction case is not applicable, or null when it is.</summary>
    public static string? ReasonFor(ExtractionCase row) => row.Id is 5 or 6 or 7 ? LastNumberExtraction : null;

    private static bool HasBox(string output) =>
        output.Contains("\\boxed", StringComparison.Ordinal) || output.Contains("<|begin_of_box|>", StringComparison.Ordinal);

    private static Dictionary<int, string> BuildById()
    {
        var table = new Dictionary<int, string>();
        void Add(string reason, params int[] ids)
        {
            foreach (var id in ids) table.Add(id, reason);
        }
        Add(DecimalComma, 5, 6, 7, 17);
        // Prose rows, whatever their expected outcome: they test extraction from prose, which we do not do.
        Add(ProseAnswer, 13, 14, 15, 16, 88, 89, 90, 91, 92, 93, 94, 95, 119, 120, 121, 122, 123, 124, 125,
            141, 142, 143, 163, 388, 453, 455, 459);
        Add(NewlineInInlineMath, 31, 32);
        Add(BoxBeforeCue, 172);
        Add(BoxesJoinedAcrossProse, 190, 237, 247, 250, 251);
        Add(LibraryQuirk, 263, 448);
        Add(OrderedLists, 271, 278);
        Add(PlainSqrtInGold, 398);
        return table;
    }
}
