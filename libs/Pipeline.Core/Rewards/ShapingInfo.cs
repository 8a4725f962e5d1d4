using Pipeline.Core.Spec;

namespace Pipeline.Core.Rewards;

/// <summary>
/// What one shaping scheme is: its spec name, formula, source paper, parameters, and whether it keeps the
/// invariant "in one group, the lowest reward of a correct response is ≥ the highest reward of an incorrect one".
/// </summary>
/// <param name="Type">The scheme.</param>
/// <param name="Name">Its spelling in the spec (<c>laser-d</c>).</param>
/// <param name="Formula">The reward, one line.</param>
/// <param name="Source">The paper it comes from.</param>
/// <param name="KeepsCorrectAboveIncorrect">
/// True when the invariant holds for every group (lengths in [0, L_R]) whenever the scheme's own coefficients
/// meet the condition stated in <paramref name="InvariantNote"/> — a condition on α/β/δ alone that the defaults
/// meet, whatever L_R and L_T. False when the defaults violate it for some L_R or L_T (the open-r1 issue 360
/// pitfall). <see cref="ShapingCatalog.GuaranteesCorrectAboveIncorrect"/> evaluates the exact condition for a
/// concrete spec.
/// </param>
/// <param name="InvariantNote">The exact condition, the worst case, and where ties occur.</param>
/// <param name="Parameters">The spec parameters it accepts; any other set parameter is an error.</param>
public sealed record ShapingInfo(
    ShapingType Type,
    string Name,
    string Formula,
    string Source,
    bool KeepsCorrectAboveIncorrect,
    string InvariantNote,
    IReadOnlyList<ShapingParameter> Parameters);

/// <summary>One parameter a scheme accepts.</summary>
/// <param name="Name">camelCase spec name under <c>reward.shaping</c> (see <see cref="ShapingParameterNames"/>).</param>
/// <param name="Required">Whether the spec must set it.</param>
/// <param name="DefaultValue">The default as users read it (<c>0.4</c>, <c>rollout.maxTokens</c>); null when required.</param>
/// <param name="Description">One line, with the valid range.</param>
public sealed record ShapingParameter(string Name, bool Required, string? DefaultValue, string Description);

/// <summary>The spec names of the shaping parameters (properties of <see cref="ShapingSpec"/>).</summary>
public static class ShapingParameterNames
{
    public const string TargetTokens = "targetTokens";
    public const string Alpha = "alpha";
    public const string Beta = "beta";
    public const string Delta = "delta";
    public const string CacheTokens = "cacheTokens";
    public const string Schedule = "schedule";

    /// <summary>Every name, in <see cref="ShapingSpec"/> order.</summary>
    public static IReadOnlyList<string> All { get; } = [TargetTokens, Alpha, Beta, Delta, CacheTokens, Schedule];

    /// <summary>Whether <paramref name="spec"/> sets the parameter called <paramref name="name"/>.</summary>
    public static bool IsSet(ShapingSpec spec, string name) => name switch
    {
        TargetTokens => spec.TargetTokens is not null,
        Alpha => spec.Alpha is not null,
        Beta => spec.Beta is not null,
        Delta => spec.Delta is not null,
        CacheTokens => spec.CacheTokens is not null,
        Schedule => spec.Schedule is not null,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a shaping parameter"),
    };
}

/// <summary>Default coefficients, each from the scheme's paper (see the <see cref="ShapingInfo.Source"/>).</summary>
public static class ShapingDefaults
{
    /// <summary>Kimi k1.5 α, as in PAPER.md's study.</summary>
    public const double KimiAlpha = 0.4;

    /// <summary>Laser and Laser-D α (Laser's <c>length_reward_scalar</c>).</summary>
    public const double LaserAlpha = 0.5;

    /// <summary>L1 α per token (Aggarwal &amp; Welleck 2025).</summary>
    public const double L1Alpha = 0.0003;

    /// <summary>L1-Max δ (Aggarwal &amp; Welleck 2025).</summary>
    public const double L1MaxDelta = 0.5;

    /// <summary>DAPO's L_cache / L_max = 4096 / 20480: the default L_cache is L_R / 5 (at least 1 token).</summary>
    public const int DapoCacheDivisor = 5;

    /// <summary>Arora &amp; Zanette α (one value of the paper's sweep over [0, 1)).</summary>
    public const double AroraZanetteAlpha = 0.1;

    /// <summary>ShorterBetter α, the weight of correctness.</summary>
    public const double ShorterBetterAlpha = 2.0;

    /// <summary>ShorterBetter β, the weight of the per-token deviation from the sample optimal length.</summary>
    public const double ShorterBetterBeta = 0.001;

    /// <summary>The default DAPO L_cache for a rollout limit.</summary>
    public static int DapoCacheTokens(int rolloutMaxTokens) => Math.Max(1, rolloutMaxTokens / DapoCacheDivisor);
}
