using CsCheck;
using Pipeline.Core.Rewards;
using Pipeline.Core.Spec;
using static Pipeline.Core.Tests.Rewards.Responses;

namespace Pipeline.Core.Tests.Rewards;

/// <summary>Random specs, groups and worst-case groups for the shaping property tests.</summary>
internal static class ShapingGen
{
    public static readonly Gen<int> RolloutMaxTokens = Gen.Int[1, 32768];

    public static readonly Gen<int> Step = Gen.Int[0, 200];

    /// <summary>Lengths in [0, L_R], biased towards the ends and a few special points where worst cases live.</summary>
    public static Gen<int> Length(int rolloutMaxTokens) =>
        Gen.OneOf(Gen.Const(0), Gen.Const(rolloutMaxTokens), Gen.Int[0, rolloutMaxTokens], Gen.Int[0, rolloutMaxTokens]);

    public static Gen<ResponseOutcome[]> Group(int rolloutMaxTokens) =>
        Gen.Select(Gen.Bool, Length(rolloutMaxTokens), Gen.Bool, (correct, length, finished) => new ResponseOutcome(correct, length, finished))
            .Array[2, 16];

    /// <summary>A spec of <paramref name="type"/> with every accepted parameter random within the catalogue's valid
    /// range (or unset, to exercise defaults), including values beyond any invariant condition.</summary>
    public static Gen<ShapingSpec> AnySpec(ShapingType type, int rolloutMaxTokens)
    {
        var accepted = ShapingCatalog.Describe(type).Parameters.ToDictionary(p => p.Name, p => p.Required);
        var alphaMax = type is ShapingType.L1Exact or ShapingType.L1Max ? 0.01 : 5.0;
        return
            from target in Maybe(accepted, ShapingParameterNames.TargetTokens, Gen.Int[1, rolloutMaxTokens])
            from alpha in Maybe(accepted, ShapingParameterNames.Alpha, Gen.Double[0, alphaMax])
            from beta in Maybe(accepted, ShapingParameterNames.Beta, Gen.Double[0, 0.01])
            from delta in Maybe(accepted, ShapingParameterNames.Delta, Gen.Double[-1, 2])
            from cache in Maybe(accepted, ShapingParameterNames.CacheTokens, Gen.Int[1, rolloutMaxTokens])
            from schedule in accepted.ContainsKey(ShapingParameterNames.Schedule) ? Schedule(rolloutMaxTokens).Select(s => (List<ScheduleStageSpec>?)s) : Gen.Const((List<ScheduleStageSpec>?)null)
            select new ShapingSpec
            {
                Type = type, TargetTokens = target, Alpha = alpha, Beta = beta, Delta = delta, CacheTokens = cache, Schedule = schedule,
            };
    }

    /// <summary>The spec with only the required parameters set: every coefficient at its default.</summary>
    public static ShapingSpec DefaultSpec(ShapingType type) => new()
    {
        Type = type,
        Schedule = ShapingCatalog.Describe(type).Parameters.Any(p => p.Name == ShapingParameterNames.Schedule)
            ? [new ScheduleStageSpec { Step = 0, TargetTokens = 1 }] // valid for every rollout limit
            : null,
    };

    /// <summary>
    /// The group the InvariantNote names as the worst case for a scheme with a condition: it violates
    /// "correct ≥ incorrect" exactly when the condition fails.
    /// </summary>
    public static ResponseOutcome[] WorstCase(ShapingSpec spec, int rolloutMaxTokens) => spec.Type switch
    {
        ShapingType.Kimi => [Right(rolloutMaxTokens), Wrong(0)],
        ShapingType.LaserD => [RightCut(rolloutMaxTokens), WrongCut(rolloutMaxTokens)],
        ShapingType.L1Exact => L1ExactWorstCase(spec.TargetTokens ?? rolloutMaxTokens, rolloutMaxTokens),
        ShapingType.AroraZanette => AroraZanetteWorstCase(spec.Alpha ?? ShapingDefaults.AroraZanetteAlpha, rolloutMaxTokens),
        ShapingType.ShorterBetter => [Right(0), Right(rolloutMaxTokens), Wrong(0)],
        _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Type, "this scheme has no violating group"),
    };

    private static ResponseOutcome[] L1ExactWorstCase(int target, int rolloutMaxTokens)
    {
        var farthest = target >= Math.Abs(rolloutMaxTokens - target) ? 0 : rolloutMaxTokens;
        return [Right(farthest), Wrong(Math.Clamp(target, 0, rolloutMaxTokens))];
    }

    // k correct answers of length 0 and one of length L_R: the long one has z = √k; it goes below 0 once
    // α·σ(√k) > 1, i.e. √k > logit(1/α).
    private static ResponseOutcome[] AroraZanetteWorstCase(double alpha, int rolloutMaxTokens)
    {
        var logit = Math.Log(1 / (alpha - 1));
        var shortOnes = (int)Math.Ceiling(Math.Pow(Math.Max(logit, 0) + 0.5, 2)) + 1;
        return [.. Enumerable.Repeat(Right(0), shortOnes), Right(rolloutMaxTokens), Wrong(0)];
    }

    // A valid schedule: steps strictly increase, limits tighten and stay within the rollout limit.
    private static Gen<List<ScheduleStageSpec>> Schedule(int rolloutMaxTokens) =>
        Gen.Select(Gen.Int[1, 100].Array[1, 3], Gen.Int[1, rolloutMaxTokens].Array[3], (gaps, limits) =>
        {
            var tightening = limits.OrderDescending().ToArray();
            var step = -1;
            return gaps.Select((gap, i) => new ScheduleStageSpec { Step = step += gap, TargetTokens = tightening[i] }).ToList();
        });

    private static Gen<T?> Maybe<T>(Dictionary<string, bool> accepted, string name, Gen<T> value) where T : struct =>
        !accepted.TryGetValue(name, out var required) ? Gen.Const((T?)null)
        : required ? value.Select(v => (T?)v)
        : Gen.Select(Gen.Int[0, 3], value, (k, v) => k == 0 ? null : (T?)v);
}
