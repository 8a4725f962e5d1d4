using Pipeline.Core.Spec;

namespace Pipeline.Core.Rewards;

/// <summary>
/// Which responses of a group train (PAPER.md, Table 1: masking negative rollouts). "Short" means finished by
/// itself with <c>L ≤ targetTokens</c> (<see cref="ResponseOutcome.FinishedWithin"/>); everything else — longer,
/// or cut at the rollout limit — is "long". "−" in the table is false here (excluded from the loss).
/// <code>
/// strategy    correct&amp;short  correct&amp;long  incorrect&amp;short  incorrect&amp;long
/// none              ✓               ✓               ✓                  ✓
/// -I                ✓               ✓               −                  −
/// -L&amp;C              ✓               −               ✓                  ✓
/// -L&amp;C-S&amp;I          ✓               −               −                  ✓
/// -L&amp;C-L&amp;I          ✓               −               ✓                  −
/// </code>
/// −I and −L&amp;C−S&amp;I fall into the paper's "short-is-correct trap": length becomes the only signal.
/// </summary>
public static class LossMasks
{
    /// <summary>The loss mask of a group, shape (G,): true = the response trains.</summary>
    /// <param name="strategy">Which negative rollouts to exclude.</param>
    /// <param name="group">The G responses of one prompt.</param>
    /// <param name="targetTokens">The limit that separates short from long (L_T; for think-prune the limit of the
    /// current step, see <see cref="ShapingCatalog.MaskTargetTokens"/>).</param>
    public static bool[] Compute(MaskStrategy strategy, IReadOnlyList<ResponseOutcome> group, int targetTokens)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentOutOfRangeException.ThrowIfLessThan(targetTokens, 1);
        var mask = new bool[group.Count];
        for (var i = 0; i < group.Count; i++)
            mask[i] = Trains(strategy, group[i].Correct, group[i].FinishedWithin(targetTokens));
        return mask;
    }

    /// <summary>Whether a response with this correctness and shortness trains under <paramref name="strategy"/>.</summary>
    public static bool Trains(MaskStrategy strategy, bool correct, bool isShort) => strategy switch
    {
        MaskStrategy.None => true,
        MaskStrategy.ExcludeIncorrect => correct,
        MaskStrategy.ExcludeLongCorrect => !correct || isShort,
        MaskStrategy.ExcludeLongCorrectShortIncorrect => correct ? isShort : !isShort,
        MaskStrategy.ExcludeLongCorrectLongIncorrect => isShort,
        _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "unknown mask strategy"),
    };
}
