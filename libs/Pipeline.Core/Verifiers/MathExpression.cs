// The expression tree the math verifier evaluates: numbers, constants (π, e, i, ∞), variables, + − × ÷ ^,
// functions, roots, factorials and binomials. It is only ever evaluated numerically, never executed as code.
//
// Choices:
// - Values are complex (System.Numerics.Complex) so that `e^{i\pi}`, `\sqrt{-4}` or a variable sampled under a
//   square root stay defined; when operands are real the real Math.* functions are used for exact-as-possible
//   results (2^{10} is exactly 1024, not 1023.9999999).
// - `e` is Euler's number and `i` the imaginary unit (unless subscripted: `e_1` is a variable); `\log` without a
//   base is the natural logarithm (SymPy's and Math-Verify's reading), `\log_b` takes its base.
// - Overflow and domain errors produce NaN or ∞, never exceptions. Factorials are defined for integers 0..170 and
//   binomials for integer arguments with at most 1000 factors; beyond that the value is NaN.
using System.Numerics;

namespace Pipeline.Core.Verifiers;

/// <summary>A node of a parsed math expression.</summary>
internal abstract class MathNode
{
    public abstract Complex Evaluate(IReadOnlyDictionary<string, Complex> variables);

    public abstract void CollectVariables(ISet<string> into);

    /// <summary>Whether the expression spells ∞ somewhere (to tell a stated infinity from an overflow).</summary>
    public abstract bool ContainsInfinity { get; }

    public IReadOnlySet<string> Variables()
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        CollectVariables(set);
        return set;
    }
}

internal sealed class NumberNode(double value) : MathNode
{
    public override Complex Evaluate(IReadOnlyDictionary<string, Complex> variables) => new(value, 0);
    public override void CollectVariables(ISet<string> into) { }
    public override bool ContainsInfinity => false;
}

internal sealed class ConstantNode(string name, Complex value) : MathNode
{
    public static readonly ConstantNode Pi = new("π", new Complex(Math.PI, 0));
    public static readonly ConstantNode E = new("e", new Complex(Math.E, 0));
    public static readonly ConstantNode ImaginaryUnit = new("i", Complex.ImaginaryOne);
    public static readonly ConstantNode Infinity = new("∞", new Complex(double.PositiveInfinity, 0));

    public string Name => name;
    public override Complex Evaluate(IReadOnlyDictionary<string, Complex> variables) => value;
    public override void CollectVariables(ISet<string> into) { }
    public override bool ContainsInfinity => ReferenceEquals(this, Infinity);
}

internal sealed class VariableNode(string name) : MathNode
{
    public override Complex Evaluate(IReadOnlyDictionary<string, Complex> variables) =>
        variables.TryGetValue(name, out var value) ? value : new Complex(double.NaN, double.NaN);
    public override void CollectVariables(ISet<string> into) => into.Add(name);
    public override bool ContainsInfinity => false;
}

internal sealed class NegateNode(MathNode operand) : MathNode
{
    public override Complex Evaluate(IReadOnlyDictionary<string, Complex> variables) => -operand.Evaluate(variables);
    public override void CollectVariables(ISet<string> into) => operand.CollectVariables(into);
    public override bool ContainsInfinity => operand.ContainsInfinity;
}

internal sealed class BinaryNode(char op, MathNode left, MathNode right) : MathNode
{
    private readonly bool _infinity = left.ContainsInfinity || right.ContainsInfinity;

    public override Complex Evaluate(IReadOnlyDictionary<string, Complex> variables)
    {
        var a = left.Evaluate(variables);
        var b = right.Evaluate(variables);
        return op switch
        {
            '+' => a + b,
            '-' => a - b,
            '*' => a * b,
            '/' => b == Complex.Zero ? new Complex(double.NaN, double.NaN) : a / b,
            '^' => Power(a, b),
            _ => new Complex(double.NaN, double.NaN),
        };
    }

    public override void CollectVariables(ISet<string> into)
    {
        left.CollectVariables(into);
        right.CollectVariables(into);
    }

    public override bool ContainsInfinity => _infinity;

    internal static Complex Power(Complex a, Complex b)
    {
        var real = a.Imaginary == 0 && b.Imaginary == 0;
        if (real && (a.Real >= 0 || b.Real == Math.Floor(b.Real))) return new Complex(Math.Pow(a.Real, b.Real), 0);
        if (a == Complex.Zero) return b.Real > 0 ? Complex.Zero : new Complex(double.NaN, double.NaN);
        return Complex.Pow(a, b);
    }
}

internal sealed class FunctionNode(string name, MathNode argument) : MathNode
{
    public override Complex Evaluate(IReadOnlyDictionary<string, Complex> variables) => Apply(name, argument.Evaluate(variables));
    public override void CollectVariables(ISet<string> into) => argument.CollectVariables(into);
    public override bool ContainsInfinity => argument.ContainsInfinity;

    public static bool IsKnown(string name) => name is "sin" or "cos" or "tan" or "sec" or "csc" or "cot"
        or "arcsin" or "arccos" or "arctan" or "sinh" or "cosh" or "tanh" or "ln" or "log" or "exp" or "sqrt"
        or "abs" or "floor" or "ceil";

    private static Complex Apply(string name, Complex x)
    {
        if (x.Imaginary == 0 && RealApply(name, x.Real) is { } real) return new Complex(real, 0);
        return name switch
        {
            "sin" => Complex.Sin(x), "cos" => Complex.Cos(x), "tan" => Complex.Tan(x),
            "sec" => 1 / Complex.Cos(x), "csc" => 1 / Complex.Sin(x), "cot" => 1 / Complex.Tan(x),
            "arcsin" => Complex.Asin(x), "arccos" => Complex.Acos(x), "arctan" => Complex.Atan(x),
            "sinh" => Complex.Sinh(x), "cosh" => Complex.Cosh(x), "tanh" => Complex.Tanh(x),
            "ln" or "log" => x == Complex.Zero ? new Complex(double.NaN, 0) : Complex.Log(x),
            "exp" => Complex.Exp(x), "sqrt" => Complex.Sqrt(x), "abs" => new Complex(x.Magnitude, 0),
            _ => new Complex(double.NaN, double.NaN),
        };
    }

    private static double? RealApply(string name, double x) => name switch
    {
        "sin" => Math.Sin(x), "cos" => Math.Cos(x), "tan" => Math.Tan(x),
        "sec" => 1 / Math.Cos(x), "csc" => 1 / Math.Sin(x), "cot" => 1 / Math.Tan(x),
        "arcsin" when Math.Abs(x) <= 1 => Math.Asin(x),
        "arccos" when Math.Abs(x) <= 1 => Math.Acos(x),
        "arctan" => Math.Atan(x), "sinh" => Math.Sinh(x), "cosh" => Math.Cosh(x), "tanh" => Math.Tanh(x),
        "ln" or "log" when x > 0 => Math.Log(x),
        "exp" => Math.Exp(x),
        "sqrt" when x >= 0 => Math.Sqrt(x),
        "abs" => Math.Abs(x), "floor" => Math.Floor(x), "ceil" => Math.Ceiling(x),
        _ => null,
    };
}

internal sealed class LogNode(MathNode logBase, MathNode argument) : MathNode
{
    public override Complex Evaluate(IReadOnlyDictionary<string, Complex> variables)
    {
        var b = logBase.Evaluate(variables);
        var x = argument.Evaluate(variables);
        if (b.Imaginary == 0 && x.Imaginary == 0 && b.Real > 0 && x.Real > 0) return new Complex(Math.Log(x.Real) / Math.Log(b.Real), 0);
        return b == Complex.Zero || x == Complex.Zero ? new Complex(double.NaN, 0) : Complex.Log(x) / Complex.Log(b);
    }

    public override void CollectVariables(ISet<string> into)
    {
        logBase.CollectVariables(into);
        argument.CollectVariables(into);
    }

    public override bool ContainsInfinity => false;
}

/// <summary>The index-th root; an odd root of a negative real is the real root (∛−8 = −2).</summary>
internal sealed class RootNode(MathNode index, MathNode radicand) : MathNode
{
    public override Complex Evaluate(IReadOnlyDictionary<string, Complex> variables)
    {
        var n = index.Evaluate(variables);
        var x = radicand.Evaluate(variables);
        if (n.Imaginary != 0 || x.Imaginary != 0 || n.Real == 0) return BinaryNode.Power(x, 1 / n);
        if (x.Real >= 0) return new Complex(n.Real == 2 ? Math.Sqrt(x.Real) : Math.Pow(x.Real, 1 / n.Real), 0);
        var odd = n.Real == Math.Floor(n.Real) && Math.Abs(n.Real % 2) == 1;
        return odd ? new Complex(-Math.Pow(-x.Real, 1 / n.Real), 0) : Complex.Pow(x, 1 / n.Real);
    }

    public override void CollectVariables(ISet<string> into)
    {
        index.CollectVariables(into);
        radicand.CollectVariables(into);
    }

    public override bool ContainsInfinity => false;
}

internal sealed class FactorialNode(MathNode operand) : MathNode
{
    public override Complex Evaluate(IReadOnlyDictionary<string, Complex> variables)
    {
        var x = operand.Evaluate(variables);
        if (x.Imaginary != 0 || x.Real != Math.Floor(x.Real) || x.Real < 0 || x.Real > 170) return new Complex(double.NaN, 0);
        var product = 1.0;
        for (var k = 2; k <= (int)x.Real; k++) product *= k;
        return new Complex(product, 0);
    }

    public override void CollectVariables(ISet<string> into) => operand.CollectVariables(into);
    public override bool ContainsInfinity => false;
}

internal sealed class BinomialNode(MathNode n, MathNode k) : MathNode
{
    public override Complex Evaluate(IReadOnlyDictionary<string, Complex> variables)
    {
        var top = n.Evaluate(variables);
        var bottom = k.Evaluate(variables);
        var integers = top.Imaginary == 0 && bottom.Imaginary == 0
            && top.Real == Math.Floor(top.Real) && bottom.Real == Math.Floor(bottom.Real);
        if (!integers || bottom.Real < 0 || bottom.Real > top.Real) return new Complex(integers ? 0 : double.NaN, 0);
        var count = Math.Min(bottom.Real, top.Real - bottom.Real);
        if (count > 1000) return new Complex(double.NaN, 0);
        var value = 1.0;
        for (var j = 1; j <= count; j++) value = value * (top.Real - count + j) / j;
        return new Complex(Math.Round(value), 0);
    }

    public override void CollectVariables(ISet<string> into)
    {
        n.CollectVariables(into);
        k.CollectVariables(into);
    }

    public override bool ContainsInfinity => false;
}
