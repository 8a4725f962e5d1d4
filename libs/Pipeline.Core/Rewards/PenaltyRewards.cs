namespace Pipeline.Core.Rewards;

// Per-response rewards with a continuous length term: L1 (LCPO) exact and max, DAPO's overlong penalty.
// Pure functions of one response. "The invariant" is: in one group, the lowest reward of a correct response is
// ≥ the highest reward of an incorrect one. Conditions below assume lengths in [0, L_R]. These read the token count
// only; a response cut at the limit has L = L_R.

/// <summary>Continuous length penalties: L1-Exact, L1-Max, DAPO overlong.</summary>
public static class PenaltyRewards
{
    /// <summary>
    /// L1 / LCPO-Exact. Formula: <c>R = I(correct) − α·|L_T − L|</c> (n_target = L_T). Source: Aggarwal &amp; Welleck
    /// 2025, "L1: Controlling How Long a Reasoning Model Thinks" (α = 0.0003 per token).
    /// Invariant: does NOT hold in general — the open-r1 issue 360 pitfall. A correct answer d_c tokens from the
    /// target scores 1 − α·d_c, an incorrect one d_i tokens away −α·d_i, so the correct one loses when
    /// α·(d_c − d_i) &gt; 1. With lengths in [0, L_R] it holds for every group iff
    /// α·(max(L_T, |L_R − L_T|) − max(0, L_T − L_R)) ≤ 1; with L_T = L_R that is α·L_R ≤ 1 (L_R ≤ 3333 at α = 0.0003).
    /// </summary>
    public static double L1Exact(ResponseOutcome response, int targetTokens, double alpha) =>
        (response.Correct ? 1.0 : 0.0) - (alpha * Math.Abs(targetTokens - response.Length));

    /// <summary>
    /// L1 / LCPO-Max. Formula: <c>R = I(correct) · clip(α·(L_T − L) + δ, 0, 1)</c>. Source: Aggarwal &amp; Welleck
    /// 2025 (α = 0.0003, δ = 0.5).
    /// Invariant: holds always, weakly: correct ∈ [0, 1], incorrect = 0; a correct answer far past L_T (clipped to 0)
    /// ties with incorrect ones.
    /// </summary>
    public static double L1Max(ResponseOutcome response, int targetTokens, double alpha, double delta) =>
        response.Correct ? Math.Clamp((alpha * (targetTokens - response.Length)) + delta, 0.0, 1.0) : 0.0;

    /// <summary>
    /// DAPO soft overlong punishment (a length function only, no correctness):
    /// 0 for <c>L ≤ L_max − L_cache</c>; <c>((L_max − L_cache) − L) / L_cache</c> for
    /// <c>L_max − L_cache &lt; L ≤ L_max</c> (linear from 0 to −1); −1 for <c>L &gt; L_max</c>.
    /// Source: Yu et al. 2025, "DAPO" (their L_max = 20480, L_cache = 4096).
    /// </summary>
    public static double OverlongPenalty(int length, int maxTokens, int cacheTokens)
    {
        var safe = maxTokens - cacheTokens;
        if (length <= safe) return 0.0;
        if (length > maxTokens) return -1.0;
        return (double)(safe - length) / cacheTokens;
    }

    /// <summary>
    /// DAPO overlong reward. Formula: <c>R = I(correct) + penalty(L)</c> (see <see cref="OverlongPenalty"/>), with
    /// L_max = the rollout limit L_R, so a response cut at the limit (L = L_R) gets −1. Source: Yu et al. 2025, "DAPO".
    /// DAPO's own correctness reward is ±1; PAPER.md adds the penalty to I(correct) ∈ {0, 1}, and so do we.
    /// Invariant: holds always, weakly: penalty ∈ [−1, 0], so correct ≥ 1 − 1 = 0 ≥ incorrect. A correct answer at
    /// L_max (reward 0) ties with an incorrect answer in the safe zone (reward 0).
    /// </summary>
    public static double DapoOverlong(ResponseOutcome response, int maxTokens, int cacheTokens) =>
        (response.Correct ? 1.0 : 0.0) + OverlongPenalty(response.Length, maxTokens, cacheTokens);
}
