// The structured reading of one answer, built by MathAnswerParser and compared by MathEquivalence.
//
//   ScalarValue      one expression (a number, `2\sqrt{3}`, `x^2+1`), possibly written as a percentage
//   SequenceValue    ordered and bracketed: a tuple `(1, 2)` or an interval `[0, 1)`; the brackets are kept
//                    because they matter (`(0, 1)` ≠ `[0, 1)`)
//   CollectionValue  unordered: a bare list `1, 2`, a set `\{1, 2\}`, a union `[0,1) ∪ (2,3]`, `±` alternatives
//   MatrixValue      `\begin{pmatrix}…\end{pmatrix}` (and bmatrix, matrix, array)
//   RelationValue    an equation or inequality that is the answer itself (`2x+4y-3=0`, `x ≥ 5`)
//   AssignmentValue  `label = value` (`x = 3`, `(p, q) = (3, 2)`, `f(x) = x^2`): equal to its value, and also
//                    comparable as an equation when both sides are expressions (`y = -x/2 + 3/4` ≡ `2x + 4y - 3 = 0`)
//   TextValue        anything else, compared by its normalised text
// Every value keeps its normalised text, so any pair can still be compared as text.
namespace Pipeline.Core.Verifiers;

internal abstract record MathValue(string Text);

internal sealed record ScalarValue(string Text, MathNode Expression, bool IsPercent) : MathValue(Text);

internal sealed record SequenceValue(string Text, char Open, char Close, IReadOnlyList<MathValue> Items) : MathValue(Text);

internal enum CollectionKind
{
    /// <summary>A bare list `1, 2, 3` (also `1 and 2`, `\boxed{1}, \boxed{2}`).</summary>
    List,

    /// <summary>A set written with braces, `\{1, 2\}`.</summary>
    Set,

    /// <summary>A union of intervals or sets, `(-∞, 0) ∪ (1, ∞)`.</summary>
    Union,
}

internal sealed record CollectionValue(string Text, CollectionKind Kind, IReadOnlyList<MathValue> Items) : MathValue(Text);

internal sealed record MatrixValue(string Text, IReadOnlyList<IReadOnlyList<MathValue>> Rows) : MathValue(Text);

/// <summary>An equation or inequality, canonicalised to `Left Op Right` with Op one of = ≠ &lt; ≤.</summary>
internal sealed record RelationValue(string Text, char Op, MathNode Left, MathNode Right) : MathValue(Text);

/// <summary>`Label = Value`; <see cref="Equation"/> is the same statement as a relation when both sides parse.</summary>
internal sealed record AssignmentValue(string Text, string Label, MathValue Value, RelationValue? Equation) : MathValue(Text);

internal sealed record TextValue(string Text) : MathValue(Text);
