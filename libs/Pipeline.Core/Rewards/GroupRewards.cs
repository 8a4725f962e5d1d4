namespace Pipeline.Core.Rewards;

// Group-relative rewards: each response's reward depends on the lengths of the others in its group. Pure functions
// of the whole group; input (G,) responses, output (G,) rewards in the same order; an empty group gives [].
// "The invariant" is: in one group, the lowest reward of a correct response is ≥ the highest reward of an
// incorrect one. Conditions assume lengths in [0, L_R]. These schemes read the token count only: a response cut at
// the limit has L = L_R, so it is simply the longest.

/// <summary>Group-relative length rewards: Kimi k1.5, Arora &amp; Zanette, ShorterBetter.</summary>
public static class GroupRewards
{
    /// <summary>
    /// Kimi k1.5 length reward. <c>L̃ = (L − L_min)/(L_max − L_min)</c> over the whole group (L̃ = 0.5 when
    /// L_max = L_min, i.e. no length term); correct: <c>1 + α(0.5 − L̃)</c>; incorrect: <c>min(0, α(0.5 − L̃))</c>.
    /// Source: Kimi Team 2025, "Kimi k1.5" (α = 0.4 in PAPER.md's study).
    /// Invariant: holds iff α ≤ 2 (α ≥ 0). Lowest correct = 1 − α/2 (at L_max); highest incorrect = 0 (any
    /// incorrect with L̃ ≤ 0.5, e.g. at L_min); so 1 − α/2 ≥ 0 ⇔ α ≤ 2. Ties at α = 2.
    /// </summary>
    public static double[] Kimi(IReadOnlyList<ResponseOutcome> group, double alpha)
    {
        if (group.Count == 0) return [];
        var min = group.Min(r => r.Length);
        var max = group.Max(r => r.Length);
        var rewards = new double[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            var relative = max == min ? 0.5 : (double)(group[i].Length - min) / (max - min);
            var lengthTerm = alpha * (0.5 - relative);
            rewards[i] = group[i].Correct ? 1.0 + lengthTerm : Math.Min(0.0, lengthTerm);
        }
        return rewards;
    }

    /// <summary>
    /// Arora &amp; Zanette length reward. Formula: <c>R = I(correct) · (1 − α·σ((L − mean_c)/std_c))</c>, σ the
    /// logistic sigmoid, mean_c and std_c the mean and population std (ddof = 0) of the lengths of the group's
    /// correct answers. When std_c = 0 (one correct answer, or all of equal length) the z-score is 0 and every
    /// correct answer gets 1 − α/2; with no correct answer every reward is 0.
    /// Source: Arora &amp; Zanette 2025, "Training Language Models to Reason Efficiently" (α ∈ [0, 1); default 0.1).
    /// Invariant: holds for every group iff α ≤ 1 (α ≥ 0): correct = 1 − α·σ(z) &gt; 1 − α ≥ 0 = incorrect. For α &gt; 1
    /// a correct outlier with z = √k among k + 1 correct answers gets 1 − α·σ(√k) &lt; 0 once k is large enough.
    /// </summary>
    public static double[] AroraZanette(IReadOnlyList<ResponseOutcome> group, double alpha)
    {
        var correctLengths = group.Where(r => r.Correct).Select(r => (double)r.Length).ToArray();
        var rewards = new double[group.Count];
        if (correctLengths.Length == 0) return rewards;
        var mean = correctLengths.Average();
        var std = Math.Sqrt(correctLengths.Average(l => (l - mean) * (l - mean)));
        for (var i = 0; i < group.Count; i++)
        {
            if (!group[i].Correct) continue;
            var z = std > 0 ? (group[i].Length - mean) / std : 0.0;
            rewards[i] = 1.0 - (alpha * Sigmoid(z));
        }
        return rewards;
    }

    /// <summary>
    /// ShorterBetter. <c>SOL</c> = the shortest correct length in the group, or the mean length of the group when
    /// none is correct; <c>R = α·I(correct) − β·|L − SOL|</c>.
    /// Source: Yi, Wang &amp; Li 2025, "ShorterBetter" (α = 2, β = 0.001; α = 1 also studied).
    /// Invariant: does NOT hold in general. Lowest correct = α − β·(L − SOL) ≥ α − β·L_R (a correct answer at L_R
    /// beside one at 0); highest incorrect = 0 (an incorrect answer of length SOL). Holds for every group iff
    /// β·L_R ≤ α; at the defaults iff L_R ≤ 2000.
    /// </summary>
    public static double[] ShorterBetter(IReadOnlyList<ResponseOutcome> group, double alpha, double beta)
    {
        if (group.Count == 0) return [];
        var sampleOptimalLength = group.Any(r => r.Correct)
            ? group.Where(r => r.Correct).Min(r => r.Length)
            : group.Average(r => (double)r.Length);
        var rewards = new double[group.Count];
        for (var i = 0; i < group.Count; i++)
        {
            var correctness = group[i].Correct ? alpha : 0.0;
            rewards[i] = correctness - (beta * Math.Abs(group[i].Length - sampleOptimalLength));
        }
        return rewards;
    }

    private static double Sigmoid(double z) => 1.0 / (1.0 + Math.Exp(-z));
}
