using System.Globalization;
using System.Text;

namespace Pipeline.Core.Tasks.Arith;

/// <summary>
/// A left-to-right chain of additions and subtractions over small non-negative integers, e.g. 7+5-3+2.
/// Every intermediate value is ≥ 0 (a subtraction is only drawn when it keeps the running value non-negative),
/// so the chain of thought has one line per operator.
/// </summary>
public sealed record ArithProblem(IReadOnlyList<int> Operands, IReadOnlyList<char> Operators, string Level)
{
    /// <summary>The expression as written in the question, e.g. <c>7+5-3+2</c>.</summary>
    public string Expression
    {
        get
        {
            var text = new StringBuilder(Operands[0].ToString(CultureInfo.InvariantCulture));
            for (var i = 0; i < Operators.Count; i++) text.Append(Operators[i]).Append(Operands[i + 1].ToString(CultureInfo.InvariantCulture));
            return text.ToString();
        }
    }

    /// <summary>Running values after each operator: the intermediate results of the chain of thought.</summary>
    public IReadOnlyList<int> RunningValues
    {
        get
        {
            var values = new List<int>(Operators.Count);
            var value = Operands[0];
            for (var i = 0; i < Operators.Count; i++)
            {
                value = Apply(value, Operators[i], Operands[i + 1]);
                values.Add(value);
            }
            return values;
        }
    }

    public int Answer => RunningValues[^1];

    public string Question => $"What is {Expression}?";

    public Problem ToProblem() =>
        new($"arith-{Expression}", Question, Answer.ToString(CultureInfo.InvariantCulture), Level);

    public static int Apply(int left, char op, int right) => op switch
    {
        '+' => left + right,
        '-' => left - right,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, "expected + or -"),
    };

    /// <summary>Draws a problem of the given level.</summary>
    public static ArithProblem Draw(ArithLevel level, Random random)
    {
        var count = random.Next(level.MinOperands, level.MaxOperands + 1);
        var operands = new List<int> { random.Next(1, level.MaxNumber + 1) };
        var operators = new List<char>();
        var value = operands[0];
        for (var i = 1; i < count; i++)
        {
            var operand = random.Next(1, level.MaxNumber + 1);
            var op = operand <= value && random.Next(2) == 0 ? '-' : '+';
            operators.Add(op);
            operands.Add(operand);
            value = Apply(value, op, operand);
        }
        return new ArithProblem(operands, operators, level.Name);
    }
}
