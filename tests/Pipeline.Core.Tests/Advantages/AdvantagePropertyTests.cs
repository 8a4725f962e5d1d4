using CsCheck;
using Pipeline.Core.Advantages;
using Pipeline.Core.Spec;

namespace Pipeline.Core.Tests.Advantages;

public class AdvantagePropertyTests
{
    private const double Tolerance = 1e-9;

    private static readonly Gen<double[]> Rewards = Gen.Double[-3, 3].Array[2, 24];

    private static readonly Gen<(double[] Rewards, bool[] Mask)> MaskedGroups =
        from size in Gen.Int[1, 24]
        from rewards in Gen.Double[-3, 3].Array[size]
        from mask in Gen.Bool.Array[size]
        select (rewards, mask);

    private static readonly Gen<AdvantageAlgorithm> Algorithms = Gen.Enum<AdvantageAlgorithm>();

    [Fact]
    public void Compute_AllUnmasked_AdvantagesSumToZeroForEveryAlgorithm()
    {
        Gen.Select(Algorithms, Rewards).Sample((algorithm, rewards) =>
            Math.Abs(AdvantageEstimator.Compute(algorithm, rewards, AdvantageEstimatorTests.Trains(rewards.Length), new AdvantageSpec()).Sum()) < Tolerance);
    }

    [Fact]
    public void Compute_StatsOverUnmaskedOnly_UnmaskedAdvantagesSumToZero()
    {
        var options = new AdvantageSpec { MaskedInGroupStats = false };

        Gen.Select(Algorithms, MaskedGroups).Sample((algorithm, group) =>
            Math.Abs(AdvantageEstimator.Compute(algorithm, group.Rewards, group.Mask, options).Sum()) < Tolerance);
    }

    [Fact]
    public void Compute_MaskedResponses_AlwaysGetZero()
    {
        Gen.Select(Algorithms, MaskedGroups, Gen.Bool).Sample((algorithm, group, maskedInStats) =>
        {
            var advantages = AdvantageEstimator.Compute(algorithm, group.Rewards, group.Mask, new AdvantageSpec { MaskedInGroupStats = maskedInStats });
            return advantages.Where((_, i) => !group.Mask[i]).All(a => a == 0.0);
        });
    }

    [Fact]
    public void Compute_AllRewardsEqual_GivesExactlyZeroWhateverTheMask()
    {
        Gen.Select(Algorithms, Gen.Double[-3, 3], Gen.Bool.Array[1, 24], Gen.Bool).Sample((algorithm, value, mask, maskedInStats) =>
        {
            var rewards = Enumerable.Repeat(value, mask.Length).ToArray();
            return AdvantageEstimator.Compute(algorithm, rewards, mask, new AdvantageSpec { MaskedInGroupStats = maskedInStats }).All(a => a == 0.0);
        });
    }

    [Fact]
    public void Rloo_EqualsDrGrpoScaledByNOverNMinusOne()
    {
        Rewards.Sample(rewards =>
        {
            var mask = AdvantageEstimatorTests.Trains(rewards.Length);
            var rloo = AdvantageEstimator.Compute(AdvantageAlgorithm.Rloo, rewards, mask, new AdvantageSpec());
            var drGrpo = AdvantageEstimator.Compute(AdvantageAlgorithm.DrGrpo, rewards, mask, new AdvantageSpec());
            var scale = rewards.Length / (rewards.Length - 1.0);
            return rloo.Zip(drGrpo).All(p => Math.Abs(p.First - (scale * p.Second)) < Tolerance);
        });
    }

    [Fact]
    public void Grpo_EqualsDrGrpoDividedByPopulationStdPlusEpsilon()
    {
        Gen.Select(Rewards, Gen.Double[0, 0.1]).Sample((rewards, epsilon) =>
        {
            var mask = AdvantageEstimatorTests.Trains(rewards.Length);
            var options = new AdvantageSpec { Epsilon = epsilon };
            var grpo = AdvantageEstimator.Compute(AdvantageAlgorithm.Grpo, rewards, mask, options);
            var drGrpo = AdvantageEstimator.Compute(AdvantageAlgorithm.DrGrpo, rewards, mask, options);
            var std = AdvantageEstimator.PopulationStd(rewards, rewards.Average());
            return grpo.Zip(drGrpo).All(p => Math.Abs((p.First * (std + epsilon)) - p.Second) < Tolerance);
        });
    }
}
