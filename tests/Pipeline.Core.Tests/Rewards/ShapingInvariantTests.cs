using CsCheck;
using Pipeline.Core.Rewards;
using Pipeline.Core.Spec;
using static Pipeline.Core.Tests.Rewards.Responses;

namespace Pipeline.Core.Tests.Rewards;

// Checks exactly what the catalogue claims about "the lowest correct reward ≥ the highest incorrect reward":
// 1. soundness: whenever GuaranteesCorrectAboveIncorrect(spec, L_R) is true, no random group violates it;
// 2. tightness: whenever it is false, the worst-case group of the InvariantNote does violate it;
// 3. ShapingInfo.KeepsCorrectAboveIncorrect: true ⇒ the defaults are safe at every L_R and L_T;
//    false ⇒ the defaults are unsafe at some L_R (a concrete counterexample).
public class ShapingInvariantTests
{
    private const double Tolerance = 1e-9;

    public static TheoryData<ShapingType> AllTypes => new(Enum.GetValues<ShapingType>());

    public static TheoryData<ShapingType> ConditionalTypes =>
        new(ShapingType.Kimi, ShapingType.LaserD, ShapingType.L1Exact, ShapingType.AroraZanette, ShapingType.ShorterBetter);

    public static TheoryData<ShapingType> ClaimedSafeTypes =>
        new(ShapingCatalog.All.Where(i => i.KeepsCorrectAboveIncorrect).Select(i => i.Type));

    public static TheoryData<ShapingType> ClaimedUnsafeTypes =>
        new(ShapingCatalog.All.Where(i => !i.KeepsCorrectAboveIncorrect).Select(i => i.Type));

    [Theory, MemberData(nameof(AllTypes))]
    public void Score_WhenTheCatalogueGuaranteesTheInvariant_NoGroupViolatesIt(ShapingType type)
    {
        var cases =
            from rolloutMaxTokens in ShapingGen.RolloutMaxTokens
            from spec in ShapingGen.AnySpec(type, rolloutMaxTokens)
            where ShapingCatalog.GuaranteesCorrectAboveIncorrect(spec, rolloutMaxTokens)
            from groups in ShapingGen.Group(rolloutMaxTokens).Array[1, 4]
            from step in ShapingGen.Step
            select (rolloutMaxTokens, spec, groups, step);

        cases.Sample((rolloutMaxTokens, spec, groups, step) =>
        {
            var shaping = ShapingCatalog.Create(spec, rolloutMaxTokens);
            return groups.All(g => InvariantGap(g, shaping.Score(g, step)) >= -Tolerance);
        }, iter: 3000);
    }

    [Theory, MemberData(nameof(ConditionalTypes))]
    public void Score_WhenTheCatalogueDoesNotGuaranteeTheInvariant_TheWorstCaseGroupViolatesIt(ShapingType type)
    {
        var cases =
            from rolloutMaxTokens in ShapingGen.RolloutMaxTokens
            from spec in ShapingGen.AnySpec(type, rolloutMaxTokens)
            where !ShapingCatalog.GuaranteesCorrectAboveIncorrect(spec, rolloutMaxTokens)
            select (rolloutMaxTokens, spec);

        cases.Sample((rolloutMaxTokens, spec) =>
        {
            var group = ShapingGen.WorstCase(spec, rolloutMaxTokens);
            return InvariantGap(group, ShapingCatalog.Create(spec, rolloutMaxTokens).Score(group, 0)) < 0;
        }, iter: 1000);
    }

    [Theory, MemberData(nameof(ConditionalTypes))]
    public void Guarantee_ForConditionalSchemes_IsFalseForSomeValidSpec(ShapingType type)
    {
        var specs =
            from rolloutMaxTokens in ShapingGen.RolloutMaxTokens
            from spec in ShapingGen.AnySpec(type, rolloutMaxTokens)
            select (rolloutMaxTokens, spec);

        // "Always guaranteed" must be falsified: Sample throws on the first unsafe spec it meets.
        Assert.ThrowsAny<Exception>(() => specs.Sample((rolloutMaxTokens, spec) =>
            ShapingCatalog.GuaranteesCorrectAboveIncorrect(spec, rolloutMaxTokens), iter: 2000));
    }

    [Theory, MemberData(nameof(ClaimedSafeTypes))]
    public void KeepsCorrectAboveIncorrect_WhenClaimed_HoldsAtDefaultsForEveryRolloutAndTargetLength(ShapingType type)
    {
        var cases =
            from rolloutMaxTokens in ShapingGen.RolloutMaxTokens
            from target in Gen.Int[1, rolloutMaxTokens]
            select (rolloutMaxTokens, target);

        cases.Sample((rolloutMaxTokens, target) =>
            ShapingCatalog.GuaranteesCorrectAboveIncorrect(WithTargetIfAccepted(ShapingGen.DefaultSpec(type), target), rolloutMaxTokens));
    }

    [Theory, MemberData(nameof(ClaimedUnsafeTypes))]
    public void KeepsCorrectAboveIncorrect_WhenDenied_FailsAtDefaultsWithA16kRollout(ShapingType type)
    {
        var spec = ShapingGen.DefaultSpec(type);
        var group = ShapingGen.WorstCase(spec, 16384);

        var rewards = ShapingCatalog.Create(spec, 16384).Score(group, 0);

        Assert.False(ShapingCatalog.GuaranteesCorrectAboveIncorrect(spec, 16384));
        Assert.True(InvariantGap(group, rewards) < 0, $"rewards: {string.Join(", ", rewards)}");
    }

    [Fact]
    public void ClaimedUnsafeSchemes_AreExactlyL1ExactAndShorterBetter()
    {
        var unsafeTypes = ShapingCatalog.All.Where(i => !i.KeepsCorrectAboveIncorrect).Select(i => i.Type);

        Assert.Equal([ShapingType.L1Exact, ShapingType.ShorterBetter], unsafeTypes);
    }

    [Theory]
    [InlineData(ShapingType.Kimi, 2.0, true)]
    [InlineData(ShapingType.Kimi, 2.001, false)]
    [InlineData(ShapingType.LaserD, 1.0, true)]
    [InlineData(ShapingType.LaserD, 1.001, false)]
    [InlineData(ShapingType.AroraZanette, 1.0, true)]
    [InlineData(ShapingType.AroraZanette, 1.001, false)]
    public void Guarantee_ForAlphaConditionedSchemes_SwitchesAtTheStatedBound(ShapingType type, double alpha, bool expected)
    {
        var spec = new ShapingSpec { Type = type, Alpha = alpha };

        var guaranteed = ShapingCatalog.GuaranteesCorrectAboveIncorrect(spec, rolloutMaxTokens: 1000);

        Assert.Equal(expected, guaranteed);
    }

    [Theory]
    [InlineData(3333, true)]
    [InlineData(3334, false)]
    public void Guarantee_ForL1ExactAtDefaults_HoldsUpToOneOverAlphaTokens(int rolloutMaxTokens, bool expected)
    {
        var guaranteed = ShapingCatalog.GuaranteesCorrectAboveIncorrect(new ShapingSpec { Type = ShapingType.L1Exact }, rolloutMaxTokens);

        Assert.Equal(expected, guaranteed);
    }

    [Theory]
    [InlineData(2000, true)]
    [InlineData(2001, false)]
    public void Guarantee_ForShorterBetterAtDefaults_HoldsUpToAlphaOverBetaTokens(int rolloutMaxTokens, bool expected)
    {
        var guaranteed = ShapingCatalog.GuaranteesCorrectAboveIncorrect(new ShapingSpec { Type = ShapingType.ShorterBetter }, rolloutMaxTokens);

        Assert.Equal(expected, guaranteed);
    }

    private static ShapingSpec WithTargetIfAccepted(ShapingSpec spec, int target)
    {
        var accepts = ShapingCatalog.Describe(spec.Type).Parameters.Any(p => p.Name == ShapingParameterNames.TargetTokens);
        spec.TargetTokens = accepts ? target : null;
        return spec;
    }
}
