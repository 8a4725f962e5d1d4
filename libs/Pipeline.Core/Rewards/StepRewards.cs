namespace Pipeline.Core.Rewards;

// Per-response rewards built from indicators: correct or not, short or not. Each function is pure and depends
// on one response only. "Short" always requires the response to have finished: a response cut at the rollout
// limit L_R is "too long" whatever its token count, because it was not allowed to end (see
// ResponseOutcome.FinishedWithin). "The invariant" below is: in one group, the lowest reward of a correct
// response is ≥ the highest reward of an incorrect one (PAPER.md, open-r1 issue 360).

/// <summary>Indicator ("step") rewards: vanilla, truncation, think-prune, Laser, Laser-D.</summary>
public static class StepRewards
{
    /// <summary>
    /// Vanilla RLVR reward. Formula: <c>R = I(correct)</c>. Source: PAPER.md ("Vanilla"), DeepSeek-R1.
    /// Invariant: holds always (correct = 1 &gt; 0 = incorrect).
    /// </summary>
    public static double Vanilla(ResponseOutcome response) => response.Correct ? 1.0 : 0.0;

    /// <summary>
    /// Truncation reward, the paper's choice. Formula: <c>R = I(correct) · I(finished ∧ L ≤ L_T)</c>.
    /// Source: Wu et al. 2026 (PAPER.md, "Truncation"). A response that did not finish counts as too long.
    /// Invariant: holds always, weakly: correct ∈ {0, 1} ≥ 0 = incorrect; a long correct answer ties with
    /// every incorrect one at 0.
    /// </summary>
    public static double Truncation(ResponseOutcome response, int targetTokens) =>
        response.Correct && response.FinishedWithin(targetTokens) ? 1.0 : 0.0;

    /// <summary>
    /// ThinkPrune's limit at a training step: the <c>TargetTokens</c> of the stage with the largest
    /// <c>Step ≤ step</c>; before the first stage, the rollout limit L_R. The stages need not be sorted.
    /// Source: Hou et al. 2025, "ThinkPrune" (limit tightened over rounds, e.g. 4k → 3k → 2k).
    /// </summary>
    public static int ThinkPruneLimit(IReadOnlyList<LimitStage> schedule, int step, int rolloutMaxTokens)
    {
        var limit = rolloutMaxTokens;
        var chosenStep = int.MinValue;
        foreach (var stage in schedule)
        {
            if (stage.Step <= step && stage.Step >= chosenStep)
            {
                chosenStep = stage.Step;
                limit = stage.TargetTokens;
            }
        }
        return limit;
    }

    /// <summary>
    /// ThinkPrune reward. Formula: <c>R = I(correct) · I(finished ∧ L ≤ L(step))</c> with L(step) from
    /// <see cref="ThinkPruneLimit"/>. Source: Hou et al. 2025, "ThinkPrune".
    /// Invariant: holds always, weakly (it is truncation at every step).
    /// </summary>
    public static double ThinkPrune(ResponseOutcome response, IReadOnlyList<LimitStage> schedule, int step, int rolloutMaxTokens) =>
        Truncation(response, ThinkPruneLimit(schedule, step, rolloutMaxTokens));

    /// <summary>
    /// Laser (length-based step reward). Formula: <c>R = I(correct) · (1 + α · I(finished ∧ L &lt; L_T))</c>.
    /// Source: Liu et al. 2025, "Learn to Reason Efficiently with Adaptive Length-based Reward Shaping"
    /// (default α = 0.5, their <c>length_reward_scalar</c>). Note the strict <c>L &lt; L_T</c>, as in PAPER.md.
    /// Invariant: holds for every α ≥ 0 (strictly: correct ≥ 1 &gt; 0 = incorrect).
    /// </summary>
    public static double Laser(ResponseOutcome response, int targetTokens, double alpha)
    {
        if (!response.Correct) return 0.0;
        var isShort = response.Finished && response.Length < targetTokens;
        return 1.0 + (isShort ? alpha : 0.0);
    }

    /// <summary>
    /// Laser-D as written in PAPER.md. Formula:
    /// <c>R = I(correct)·(1 + α·I(short)) + I(incorrect)·α·I(long)</c>, short = finished ∧ L &lt; L_T, long = not short
    /// (so <c>L ≥ L_T</c> or cut). Implemented exactly as PAPER.md writes it: an incorrect long answer earns +α.
    /// Source: Wu et al. 2026's rendering of Liu et al. 2025 (Laser-D); default α = 0.5 as for Laser.
    /// Invariant: holds iff α ≤ 1 (α ≥ 0). Lowest correct = 1 (correct and long); highest incorrect = α
    /// (incorrect and long, always possible since a cut response is long). Ties at α = 1.
    /// </summary>
    public static double LaserD(ResponseOutcome response, int targetTokens, double alpha)
    {
        var isShort = response.Finished && response.Length < targetTokens;
        if (response.Correct) return 1.0 + (isShort ? alpha : 0.0);
        return isShort ? 0.0 : alpha;
    }
}

/// <summary>One stage of a length schedule: from training step <paramref name="Step"/> on, the limit is
/// <paramref name="TargetTokens"/>.</summary>
public readonly record struct LimitStage(int Step, int TargetTokens);
