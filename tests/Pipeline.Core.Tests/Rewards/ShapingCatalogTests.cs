using System.Reflection;
using System.Runtime.Serialization;
using Pipeline.Core.Rewards;
using Pipeline.Core.Spec;
using static Pipeline.Core.Tests.Rewards.Responses;

namespace Pipeline.Core.Tests.Rewards;

public class ShapingCatalogTests
{
    public static TheoryData<ShapingType> AllTypes => new(Enum.GetValues<ShapingType>());

    [Fact]
    public void All_HasOneEntryPerShapingTypeInDeclarationOrder()
    {
        var types = ShapingCatalog.All.Select(i => i.Type);

        Assert.Equal(Enum.GetValues<ShapingType>(), types);
    }

    [Theory, MemberData(nameof(AllTypes))]
    public void Describe_NameIsTheSpecSpelling(ShapingType type)
    {
        var spelling = typeof(ShapingType).GetField(type.ToString())!.GetCustomAttribute<EnumMemberAttribute>()!.Value;

        var info = ShapingCatalog.Describe(type);

        Assert.Equal(spelling, info.Name);
        Assert.Equal(type, info.Type);
    }

    [Theory, MemberData(nameof(AllTypes))]
    public void Describe_DocumentsFormulaSourceInvariantAndKnownParameters(ShapingType type)
    {
        var info = ShapingCatalog.Describe(type);

        Assert.False(string.IsNullOrWhiteSpace(info.Formula));
        Assert.False(string.IsNullOrWhiteSpace(info.Source));
        Assert.False(string.IsNullOrWhiteSpace(info.InvariantNote));
        Assert.All(info.Parameters, p => Assert.Contains(p.Name, ShapingParameterNames.All));
        Assert.All(info.Parameters, p => Assert.Equal(p.Required, p.DefaultValue is null));
    }

    [Fact]
    public void Create_TruncationWithoutTarget_UsesTheRolloutLimit()
    {
        ResponseOutcome[] group = [Right(128), RightCut(128), Right(20)];

        var rewards = ShapingCatalog.Create(new ShapingSpec { Type = ShapingType.Truncation }, 128).Score(group, 0);

        Approx.Equal([1, 0, 1], rewards);
    }

    [Fact]
    public void Create_DapoOverlongWithoutCache_UsesAFifthOfTheRolloutLimit()
    {
        ResponseOutcome[] group = [Right(80), Right(90), RightCut(100)];

        var rewards = ShapingCatalog.Create(new ShapingSpec { Type = ShapingType.DapoOverlong }, 100).Score(group, 0);

        Approx.Equal([1.0, 0.5, 0.0], rewards);
    }

    [Theory]
    [InlineData(ShapingType.Kimi, 1.2)]
    [InlineData(ShapingType.Laser, 1.5)]
    [InlineData(ShapingType.LaserD, 1.5)]
    [InlineData(ShapingType.L1Exact, 1 - (0.0003 * 28))]
    [InlineData(ShapingType.L1Max, 0.5 + (0.0003 * 28))]
    [InlineData(ShapingType.AroraZanette, 0.95)]
    [InlineData(ShapingType.ShorterBetter, 2.0)]
    public void Create_WithoutCoefficients_UsesThePaperDefaults(ShapingType type, double expectedShortCorrect)
    {
        ResponseOutcome[] group = [Right(100), Wrong(128)];

        var rewards = ShapingCatalog.Create(new ShapingSpec { Type = type }, 128).Score(group, 0);

        Assert.Equal(expectedShortCorrect, rewards[0], 9);
    }

    [Fact]
    public void Create_ThinkPrune_AppliesTheScheduleByStep()
    {
        var spec = new ShapingSpec { Type = ShapingType.ThinkPrune, Schedule = [new() { Step = 10, TargetTokens = 50 }] };
        ResponseOutcome[] group = [Right(80)];
        var shaping = ShapingCatalog.Create(spec, 128);

        double[] rewards = [shaping.Score(group, 9)[0], shaping.Score(group, 10)[0]];

        Approx.Equal([1, 0], rewards);
    }

    [Fact]
    public void Create_CopiesTheSpec_SoLaterEditsDoNotChangeTheScheme()
    {
        var spec = new ShapingSpec { Type = ShapingType.ThinkPrune, Schedule = [new() { Step = 0, TargetTokens = 50 }] };
        var shaping = ShapingCatalog.Create(spec, 128);

        spec.Schedule[0].TargetTokens = 100;
        var rewards = shaping.Score([Right(80)], 0);

        Approx.Equal([0], rewards);
    }

    [Fact]
    public void Problems_ParameterNotUsedByTheScheme_IsNamed()
    {
        var problems = ShapingCatalog.Problems(new ShapingSpec { Type = ShapingType.Truncation, Beta = 0.1 }, 128);

        Assert.Equal(["spec.reward.shaping.beta: not used by 'truncation'; it takes targetTokens"], problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Problems_MissingRequiredSchedule_IsNamed()
    {
        var problems = ShapingCatalog.Problems(new ShapingSpec { Type = ShapingType.ThinkPrune }, 128);

        var problem = Assert.Single(problems);
        Assert.StartsWith("spec.reward.shaping.schedule: required by 'think-prune'", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_OutOfRangeValues_AreAllReported()
    {
        var spec = new ShapingSpec { Type = ShapingType.L1Max, TargetTokens = 0, Alpha = -1, Delta = double.NaN };

        var problems = ShapingCatalog.Problems(spec, 128).Select(p => p.ToString()).ToList();

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("spec.reward.shaping.targetTokens: must be in [1, rollout.maxTokens = 128]", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("spec.reward.shaping.alpha: must be a finite number ≥ 0", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("spec.reward.shaping.delta: must be a finite number", StringComparison.Ordinal));
    }

    [Fact]
    public void Problems_CacheLongerThanTheRollout_IsRejected()
    {
        var problems = ShapingCatalog.Problems(new ShapingSpec { Type = ShapingType.DapoOverlong, CacheTokens = 129 }, 128);

        Assert.Equal(["spec.reward.shaping.cacheTokens: must be in [1, rollout.maxTokens = 128], got 129"], problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Create_InvalidSpec_ThrowsWithEveryProblem()
    {
        var spec = new ShapingSpec { Type = ShapingType.Kimi, Alpha = -1, TargetTokens = 10 };

        var error = Assert.Throws<ArgumentException>(() => ShapingCatalog.Create(spec, 128));

        Assert.Contains("reward.shaping.targetTokens: not used by 'kimi'", error.Message, StringComparison.Ordinal);
        Assert.Contains("reward.shaping.alpha: must be a finite number ≥ 0", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 128)]
    [InlineData(10, 64)]
    [InlineData(25, 32)]
    public void MaskTargetTokens_ForThinkPrune_FollowsTheSchedule(int step, int expected)
    {
        var spec = new ShapingSpec { Type = ShapingType.ThinkPrune, Schedule = [new() { Step = 10, TargetTokens = 64 }, new() { Step = 20, TargetTokens = 32 }] };

        Assert.Equal(expected, ShapingCatalog.MaskTargetTokens(spec, 128, step));
    }

    [Theory]
    [InlineData(null, 128)]
    [InlineData(100, 100)]
    public void MaskTargetTokens_ForOtherSchemes_IsTheTargetOrTheRolloutLimit(int? target, int expected)
    {
        var spec = new ShapingSpec { Type = ShapingType.Laser, TargetTokens = target };

        Assert.Equal(expected, ShapingCatalog.MaskTargetTokens(spec, 128, 0));
    }
}
