using Pipeline.Core.Spec;

namespace Pipeline.Core.Tasks.Arith;

/// <summary>
/// The difficulty knob of the arithmetic task: how many operands, how large, which operators. Harder levels need
/// more steps and larger intermediate values, so a small model's pass rate falls with the level.
/// </summary>
public sealed record ArithLevel(string Name, int MinOperands, int MaxOperands, int MaxNumber)
{
    public static ArithLevel Easy { get; } = new("easy", 2, 3, 9);
    public static ArithLevel Medium { get; } = new("medium", 3, 4, 19);
    public static ArithLevel Hard { get; } = new("hard", 4, 6, 49);

    /// <summary>The levels a difficulty draws from: one level, or all three for <c>mixed</c>.</summary>
    public static IReadOnlyList<ArithLevel> For(Difficulty difficulty) => difficulty switch
    {
        Difficulty.Easy => [Easy],
        Difficulty.Medium => [Medium],
        Difficulty.Hard => [Hard],
        Difficulty.Mixed => [Easy, Medium, Hard],
        _ => throw new ArgumentOutOfRangeException(nameof(difficulty), difficulty, "unknown difficulty"),
    };
}
