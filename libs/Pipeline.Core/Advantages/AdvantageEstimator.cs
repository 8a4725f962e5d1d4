using Pipeline.Core.Spec;

namespace Pipeline.Core.Advantages;

// Group-relative advantages of the GRPO family (PAPER.md, "GRPO-family definitions"). One group at a time.
// Shapes: rewards (G,), lossMask (G,) → advantages (G,): one scalar per response, which the learner broadcasts
// over every token of that response, (G, T).
//
// Choices (and what is left out):
// - std is the POPULATION std (ddof = 0): std² = mean((r − mean)²). verl and TRL call torch.std, which is the
//   unbiased sample std (ddof = 1). We take ddof = 0 because the group is the whole population the advantage is
//   relative to, not a sample of a larger one: it makes a binary group's std the closed form √(p(1 − p)) and the
//   unmasked advantages have mean 0 and variance 1 (up to ε). The two differ by the factor √((n − 1)/n) for n
//   responses in the statistics: a global rescaling for a fixed group size.
// - Masked responses (lossMask false) never train, so their advantage is 0. With MaskedInGroupStats they still
//   count in the mean/std (they were sampled and describe the group); without, the statistics use only the
//   unmasked ones.
// - Fewer than two responses in the statistics, or all their rewards equal, give exactly 0 for everyone
//   (no comparison, no signal). DAPO's dynamic sampling (dropping such groups) is the learner's business.
// - No per-token or per-step reward, no KL in the reward, no advantage whitening across groups: outcome reward only.

/// <summary>GRPO, Dr. GRPO and RLOO advantages of one group.</summary>
public static class AdvantageEstimator
{
    /// <summary>Advantages of one group, shape (G,), in the order of <paramref name="rewards"/>.</summary>
    /// <param name="algorithm">grpo: <c>(r − mean)/(std + ε)</c>; dr-grpo: <c>r − mean</c>; rloo: <c>r − mean of the others</c>.</param>
    /// <param name="rewards">Shaped rewards, shape (G,); must be finite.</param>
    /// <param name="lossMask">Shape (G,); true = the response trains (see LossMasks).</param>
    /// <param name="options">ε of grpo and whether masked responses count in the statistics.</param>
    /// <exception cref="ArgumentException">Lengths differ, a reward is not finite, or ε is negative or not finite.</exception>
    public static double[] Compute(AdvantageAlgorithm algorithm, IReadOnlyList<double> rewards, IReadOnlyList<bool> lossMask, AdvantageSpec options)
    {
        Check(rewards, lossMask, options);
        var inStats = Enumerable.Range(0, rewards.Count).Select(i => options.MaskedInGroupStats || lossMask[i]).ToArray();
        var statRewards = rewards.Where((_, i) => inStats[i]).ToArray();
        var advantages = new double[rewards.Count];
        if (statRewards.Length < 2 || AllEqual(statRewards)) return advantages;

        Func<double, double> advantage = algorithm switch
        {
            AdvantageAlgorithm.Grpo => Grpo(statRewards, options.Epsilon),
            AdvantageAlgorithm.DrGrpo => DrGrpo(statRewards),
            AdvantageAlgorithm.Rloo => Rloo(statRewards),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown advantage algorithm"),
        };
        for (var i = 0; i < rewards.Count; i++)
            advantages[i] = lossMask[i] ? advantage(rewards[i]) : 0.0;
        return advantages;
    }

    /// <summary>GRPO (Shao et al. 2024, DeepSeekMath): <c>A = (r − mean) / (std + ε)</c>, population std.</summary>
    public static Func<double, double> Grpo(IReadOnlyList<double> statRewards, double epsilon)
    {
        var mean = statRewards.Average();
        var std = PopulationStd(statRewards, mean);
        return r => (r - mean) / (std + epsilon);
    }

    /// <summary>Dr. GRPO (Liu et al. 2025, "Understanding R1-Zero-Like Training"): <c>A = r − mean</c>.</summary>
    public static Func<double, double> DrGrpo(IReadOnlyList<double> statRewards)
    {
        var mean = statRewards.Average();
        return r => r - mean;
    }

    /// <summary>
    /// RLOO (Ahmadian et al. 2024): <c>A_i = r_i − (Σ_j r_j − r_i)/(n − 1)</c>, the mean of the other n − 1
    /// responses in the statistics. Equals n/(n − 1) · (r_i − mean). Needs n ≥ 2.
    /// </summary>
    public static Func<double, double> Rloo(IReadOnlyList<double> statRewards)
    {
        var sum = statRewards.Sum();
        var others = statRewards.Count - 1;
        return r => r - ((sum - r) / others);
    }

    /// <summary>Population standard deviation (ddof = 0) around <paramref name="mean"/>.</summary>
    public static double PopulationStd(IReadOnlyList<double> values, double mean) =>
        Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));

    /// <summary>Whether every value is exactly equal (a group with no learning signal); true when empty.</summary>
    public static bool AllEqual(IReadOnlyList<double> values) => values.Count == 0 || values.All(v => v.Equals(values[0]));

    private static void Check(IReadOnlyList<double> rewards, IReadOnlyList<bool> lossMask, AdvantageSpec options)
    {
        ArgumentNullException.ThrowIfNull(rewards);
        ArgumentNullException.ThrowIfNull(lossMask);
        ArgumentNullException.ThrowIfNull(options);
        if (rewards.Count != lossMask.Count)
            throw new ArgumentException($"rewards ({rewards.Count}) and lossMask ({lossMask.Count}) must have one entry per response", nameof(lossMask));
        if (rewards.Any(r => !double.IsFinite(r)))
            throw new ArgumentException("every reward must be a finite number", nameof(rewards));
        if (!(options.Epsilon >= 0 && double.IsFinite(options.Epsilon)))
            throw new ArgumentException($"advantage epsilon must be finite and ≥ 0, got {options.Epsilon}", nameof(options));
    }
}
