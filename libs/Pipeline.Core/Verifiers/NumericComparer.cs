// Numeric equality of expression trees: direct evaluation for constants, deterministic sample points for
// expressions with variables, and the proportionality test for equations/inequalities.
//
// Tolerance (two numbers a, b; M = max(|a|, |b|)): equal when |a − b| ≤ max(1e-12, min(1e-6·M, max(1e-6, 1e-12·M))).
// In words: six significant digits below 1, six decimal places from 1 to 10^6 (like Math-Verify's rounding to six
// places), and double-precision slack (1e-12 relative) above 10^6. A pure 1e-6 relative tolerance was rejected:
// it calls 16386.16 = 16386.17 and 12000023 = 12000024. A rounded decimal is therefore not equal to an exact
// value unless it carries six decimals (0.3333333 = 1/3, 0.3333 ≠ 1/3). Two integers below 2^53 are compared
// exactly (999999999999999 ≠ 999999999999998).
//
// Variables: both sides must use exactly the same free variables (x + 1 is not y + 1); they are then compared at
// SamplePoints deterministic points in [0.3, 2.3] (positive, so √x and ln x stay real and identities such as
// ln x² = 2 ln x hold). Points where either side is undefined are skipped; at least MinValidPoints must remain.
// A stated infinity (`∞` in the tree) equals an infinity of the same sign; an overflow (10^{10^{10}}) equals nothing.
using System.Numerics;

namespace Pipeline.Core.Verifiers;

internal static class NumericComparer
{
    private const int SamplePoints = 6;
    private const int MinValidPoints = 3;
    private const int MaxVariables = 16;
    private static readonly double[][] Points = BuildPoints();

    /// <summary>Whether two expressions are equal as numbers or as functions of the same variables.</summary>
    public static bool ExpressionsEqual(MathNode a, MathNode b)
    {
        if (!SameVariables(a, b, out var names)) return false;
        if (names.Count == 0) return ValuesEqual(a, b, a.Evaluate(Empty), b.Evaluate(Empty));
        var valid = 0;
        for (var p = 0; p < SamplePoints; p++)
        {
            var at = Assign(names, p);
            var x = a.Evaluate(at);
            var y = b.Evaluate(at);
            if (!IsFinite(x) || !IsFinite(y)) continue;
            if (!Close(x, y)) return false;
            valid++;
        }
        return valid >= MinValidPoints;
    }

    /// <summary>
    /// Whether two relations with the same operator state the same thing: f₁ = L₁ − R₁ and f₂ = L₂ − R₂ are
    /// proportional, f₁ = c·f₂, with c &gt; 0 for &lt; and ≤ (c ≠ 0 for = and ≠). `2x + 4y = 3` ≡ `y = -x/2 + 3/4`.
    /// </summary>
    public static bool RelationsEqual(RelationValue a, RelationValue b)
    {
        if (a.Op != b.Op) return false;
        var f = new BinaryNode('-', a.Left, a.Right);
        var g = new BinaryNode('-', b.Left, b.Right);
        if (!SameVariables(f, g, out var names) || names.Count == 0) return false;
        Complex? ratio = null;
        var valid = 0;
        for (var p = 0; p < SamplePoints; p++)
        {
            var at = Assign(names, p);
            var x = f.Evaluate(at);
            var y = g.Evaluate(at);
            if (!IsFinite(x) || !IsFinite(y)) continue;
            if (y.Magnitude < 1e-9 || x.Magnitude < 1e-9)
            {
                if (y.Magnitude < 1e-9 && x.Magnitude < 1e-9) continue;
                return false;
            }
            var r = x / y;
            if (ratio is null) ratio = r;
            else if (!Close(r, ratio.Value)) return false;
            valid++;
        }
        if (ratio is null || valid < MinValidPoints) return false;
        var positive = ratio.Value.Real > 0 && Math.Abs(ratio.Value.Imaginary) < 1e-9;
        return a.Op is '=' or '≠' || positive;
    }

    /// <summary>The tolerance rule of the file header.</summary>
    public static bool Close(Complex a, Complex b)
    {
        if (a.Imaginary == 0 && b.Imaginary == 0 && IsExactInteger(a.Real) && IsExactInteger(b.Real)) return a.Real == b.Real;
        var difference = (a - b).Magnitude;
        var magnitude = Math.Max(a.Magnitude, b.Magnitude);
        var tolerance = Math.Max(1e-12, Math.Min(1e-6 * magnitude, Math.Max(1e-6, 1e-12 * magnitude)));
        return difference <= tolerance;
    }

    /// <summary>An integer that a double represents exactly (|x| &lt; 2^53): compared exactly, however large.</summary>
    private static bool IsExactInteger(double x) => Math.Abs(x) < 9007199254740992.0 && x == Math.Floor(x);

    private static bool ValuesEqual(MathNode a, MathNode b, Complex x, Complex y)
    {
        if (IsFinite(x) && IsFinite(y)) return Close(x, y);
        var infinite = double.IsInfinity(x.Real) && double.IsInfinity(y.Real) && x.Imaginary == 0 && y.Imaginary == 0;
        return infinite && a.ContainsInfinity && b.ContainsInfinity && Math.Sign(x.Real) == Math.Sign(y.Real);
    }

    private static bool SameVariables(MathNode a, MathNode b, out List<string> names)
    {
        var left = a.Variables();
        var right = b.Variables();
        names = [.. left];
        return left.SetEquals(right) && names.Count <= MaxVariables;
    }

    private static Dictionary<string, Complex> Assign(List<string> names, int point)
    {
        var values = new Dictionary<string, Complex>(names.Count, StringComparer.Ordinal);
        for (var v = 0; v < names.Count; v++) values[names[v]] = new Complex(Points[point][v], 0);
        return values;
    }

    private static bool IsFinite(Complex z) => double.IsFinite(z.Real) && double.IsFinite(z.Imaginary);

    private static readonly Dictionary<string, Complex> Empty = new(StringComparer.Ordinal);

    /// <summary>A fixed table of points: a tiny LCG, so the values never change between runs or runtimes.</summary>
    private static double[][] BuildPoints()
    {
        var state = 0x2545F491u;
        var points = new double[SamplePoints][];
        for (var p = 0; p < SamplePoints; p++)
        {
            points[p] = new double[MaxVariables];
            for (var v = 0; v < MaxVariables; v++)
            {
                state = state * 1664525u + 1013904223u;
                points[p][v] = 0.3 + 2.0 * (state >> 8) / (1 << 24);
            }
        }
        return points;
    }
}
