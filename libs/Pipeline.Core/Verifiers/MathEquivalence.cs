// Decides whether two already-extracted answers are the same mathematical answer.
//
// Steps: both answers are normalised (LatexNormalizer); equal spellings (ignoring spaces) are equal; otherwise both
// are read into structured values (MathAnswerParser) and compared:
// - scalars numerically or, with variables, at sample points (NumericComparer: tolerance and variables policy);
//   a percentage also matches its value over 100 (`50%` = 50 = 0.5 when the % is written; without %, 50 ≠ 0.5);
// - tuples and intervals in order, with identical brackets (`(0, 1)` ≠ `[0, 1)`);
// - bare lists, sets, unions and ± alternatives as sets: order and duplicates do not matter (`1, 2` = `2, 1` =
//   `\{2, 1\}`), except that a bare list against a tuple is compared in order (`1, 3` vs `(3, 1)` is false);
//   a one-element list or set equals its element, and a list of equal values equals that value
//   (`15\frac{39}{40}, \frac{639}{40}` = `\frac{639}{40}`);
// - matrices cell by cell; relations by proportionality; an assignment `x = v` equals v (and, as an equation,
//   an equivalent equation);
// - anything that did not parse by its normalised text.
// Never throws. Bounded work: normalised answers longer than MaxLength are compared by text only, and raw
// answers longer than MaxNormalizedLength are not even normalised (trimmed text only).
namespace Pipeline.Core.Verifiers;

/// <summary>Equivalence of two extracted answers; see the file header for the rules.</summary>
public static class MathEquivalence
{
    private const int MaxLength = 2000;
    private const int MaxNormalizedLength = 20_000;
    private const int MaxDepth = 8;

    /// <summary>Whether <paramref name="answer"/> and <paramref name="gold"/> (both already extracted) are equivalent.</summary>
    public static bool AreEquivalent(string answer, string gold)
    {
        try
        {
            if (string.IsNullOrWhiteSpace(answer) || string.IsNullOrWhiteSpace(gold)) return false;
            if (answer.Length > MaxNormalizedLength || gold.Length > MaxNormalizedLength) return answer.Trim() == gold.Trim();
            var a = LatexNormalizer.Normalize(answer);
            var g = LatexNormalizer.Normalize(gold);
            if (a.Length == 0 || g.Length == 0) return false;
            if (Compact(a) == Compact(g)) return true;
            if (a.Length > MaxLength || g.Length > MaxLength) return false;
            return Equivalent(MathAnswerParser.Parse(a), MathAnswerParser.Parse(g), 0);
        }
        catch (Exception)
        {
            return false;   // a verifier never throws: whatever we cannot judge is not correct
        }
    }

    internal static bool Equivalent(MathValue a, MathValue b, int depth)
    {
        if (depth > MaxDepth) return false;
        a = Unwrap(a);
        b = Unwrap(b);
        if (Compact(a.Text) == Compact(b.Text)) return true;
        return (a, b) switch
        {
            (ScalarValue x, ScalarValue y) => ScalarsEqual(x, y),
            (AssignmentValue x, AssignmentValue y) => Equivalent(x.Value, y.Value, depth + 1)
                || (x.Equation is not null && y.Equation is not null && NumericComparer.RelationsEqual(x.Equation, y.Equation)),
            (AssignmentValue x, RelationValue y) => x.Equation is not null && NumericComparer.RelationsEqual(x.Equation, y),
            (RelationValue x, AssignmentValue y) => y.Equation is not null && NumericComparer.RelationsEqual(x, y.Equation),
            (AssignmentValue x, _) => Equivalent(x.Value, b, depth + 1),
            (_, AssignmentValue y) => Equivalent(a, y.Value, depth + 1),
            (RelationValue x, RelationValue y) => NumericComparer.RelationsEqual(x, y),
            (SequenceValue x, SequenceValue y) => x.Open == y.Open && x.Close == y.Close && InOrder(x.Items, y.Items, depth),
            (CollectionValue { Kind: CollectionKind.List } x, SequenceValue { Open: '(', Close: ')' } y) => InOrder(x.Items, y.Items, depth),
            (SequenceValue { Open: '(', Close: ')' } x, CollectionValue { Kind: CollectionKind.List } y) => InOrder(x.Items, y.Items, depth),
            (CollectionValue x, CollectionValue y) => (x.Kind == CollectionKind.Union) == (y.Kind == CollectionKind.Union)
                && AsSets(x.Items, y.Items, depth),
            (CollectionValue { Kind: not CollectionKind.Union } x, _) => AsSets(x.Items, [b], depth),
            (_, CollectionValue { Kind: not CollectionKind.Union } y) => AsSets([a], y.Items, depth),
            (MatrixValue x, MatrixValue y) => MatricesEqual(x, y, depth),
            _ => false,
        };
    }

    private static MathValue Unwrap(MathValue value)
    {
        while (value is CollectionValue { Kind: not CollectionKind.Union, Items.Count: 1 } single) value = single.Items[0];
        return value;
    }

    private static bool ScalarsEqual(ScalarValue x, ScalarValue y)
    {
        if (NumericComparer.ExpressionsEqual(x.Expression, y.Expression)) return true;
        if (x.IsPercent && NumericComparer.ExpressionsEqual(Hundredth(x.Expression), y.Expression)) return true;
        return y.IsPercent && NumericComparer.ExpressionsEqual(x.Expression, Hundredth(y.Expression));
    }

    private static BinaryNode Hundredth(MathNode node) => new('/', node, new NumberNode(100));

    private static bool InOrder(IReadOnlyList<MathValue> a, IReadOnlyList<MathValue> b, int depth)
    {
        if (a.Count != b.Count) return false;
        for (var i = 0; i < a.Count; i++)
        {
            if (!Equivalent(a[i], b[i], depth + 1)) return false;
        }
        return true;
    }

    /// <summary>Set equality: every item of each side equals some item of the other (duplicates collapse).</summary>
    private static bool AsSets(IReadOnlyList<MathValue> a, IReadOnlyList<MathValue> b, int depth) =>
        a.All(x => b.Any(y => Equivalent(x, y, depth + 1))) && b.All(y => a.Any(x => Equivalent(x, y, depth + 1)));

    private static bool MatricesEqual(MatrixValue a, MatrixValue b, int depth)
    {
        if (a.Rows.Count != b.Rows.Count) return false;
        for (var r = 0; r < a.Rows.Count; r++)
        {
            if (!InOrder(a.Rows[r], b.Rows[r], depth)) return false;
        }
        return true;
    }

    private static string Compact(string s) => s.Replace(" ", "", StringComparison.Ordinal);
}
