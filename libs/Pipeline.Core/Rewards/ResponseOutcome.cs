namespace Pipeline.Core.Rewards;

// What the reward stage knows about one response, and the one interface every shaping scheme implements.
// Shapes: a group is G responses to one prompt; Score returns G rewards in the input order.

/// <summary>One response of a group as the reward stage sees it.</summary>
/// <param name="Correct">The verifier's verdict.</param>
/// <param name="Length">Generated tokens (L in PAPER.md), at most the rollout limit L_R.</param>
/// <param name="Finished">False when generation was cut at the rollout limit rather than ending by itself.</param>
public readonly record struct ResponseOutcome(bool Correct, int Length, bool Finished)
{
    /// <summary>
    /// "Short" in the sense of PAPER.md: finished by itself with <c>L ≤ limit</c>. A response cut at the rollout
    /// limit is never short, whatever its token count, because its answer was not allowed to end.
    /// </summary>
    public bool FinishedWithin(int limit) => Finished && Length <= limit;
}

/// <summary>A length-shaped reward g(correct, length) over one group (PAPER.md, "Rewards compared").</summary>
public interface IRewardShaping
{
    /// <summary>Rewards of a group, shape (G,), in the order of <paramref name="group"/>.</summary>
    /// <param name="group">The G responses to one prompt (group-relative schemes need all of them).</param>
    /// <param name="step">Training step; only scheduled schemes (think-prune) use it.</param>
    double[] Score(IReadOnlyList<ResponseOutcome> group, int step);
}
