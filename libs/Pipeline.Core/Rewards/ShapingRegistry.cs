using Pipeline.Core.Spec;
using static Pipeline.Core.Rewards.ShapingParameterNames;

namespace Pipeline.Core.Rewards;

// THE one place where a scheme name maps to its function. Each entry: what it is (ShapingInfo), how to build it
// from a spec and the rollout limit L_R, and the exact condition under which it keeps "correct ≥ incorrect"
// for a concrete spec. The formulas themselves live in StepRewards, PenaltyRewards and GroupRewards.

internal sealed record ShapingEntry(
    ShapingInfo Info,
    Func<ShapingSettings, IRewardShaping> Create,
    Func<ShapingSettings, bool> KeepsCorrectAboveIncorrect);

/// <summary>An immutable snapshot of a <see cref="ShapingSpec"/> with L_R and the default L_T (= L_R) resolved, so a
/// scheme never reads the mutable spec again. Coefficients stay null when unset: their defaults are per scheme.</summary>
internal sealed record ShapingSettings(
    int RolloutMaxTokens, int TargetTokens, double? Alpha, double? Beta, double? Delta, int? CacheTokens,
    IReadOnlyList<LimitStage> Schedule)
{
    public static ShapingSettings From(ShapingSpec spec, int rolloutMaxTokens) => new(
        rolloutMaxTokens, spec.TargetTokens ?? rolloutMaxTokens, spec.Alpha, spec.Beta, spec.Delta, spec.CacheTokens,
        spec.Schedule?.Select(s => new LimitStage(s.Step, s.TargetTokens)).ToArray() ?? []);
}

internal static class ShapingRegistry
{
    public static IReadOnlyList<ShapingEntry> Entries { get; } =
    [
        new(Info(ShapingType.Vanilla, "vanilla", "R = I(correct)", "DeepSeek-R1 style RLVR (PAPER.md)", true,
                "Always: correct 1 > incorrect 0.", []),
            _ => PerResponse("vanilla", StepRewards.Vanilla),
            Always),

        new(Info(ShapingType.Truncation, "truncation", "R = I(correct) · I(finished ∧ L ≤ L_T)", "Wu et al. 2026 (PAPER.md)", true,
                "Always, weakly: a long or cut correct answer scores 0, tying with incorrect ones.", [Target()]),
            s => PerResponse("truncation", r => StepRewards.Truncation(r, s.TargetTokens)),
            Always),

        new(Info(ShapingType.Kimi, "kimi", "L̃ = (L − L_min)/(L_max − L_min); correct 1 + α(0.5 − L̃); incorrect min(0, α(0.5 − L̃))",
                "Kimi Team 2025, Kimi k1.5", true,
                "Iff 0 ≤ α ≤ 2: lowest correct 1 − α/2 (at L_max), highest incorrect 0. Ties at α = 2.",
                [Coefficient(Alpha, ShapingDefaults.KimiAlpha, "Weight of the group-relative length term, ≥ 0.")]),
            s => Group("kimi", g => GroupRewards.Kimi(g, s.Alpha ?? ShapingDefaults.KimiAlpha)),
            s => (s.Alpha ?? ShapingDefaults.KimiAlpha) <= 2.0),

        new(Info(ShapingType.Laser, "laser", "R = I(correct) · (1 + α · I(finished ∧ L < L_T))",
                "Liu et al. 2025, Laser", true, "Always for α ≥ 0: correct ≥ 1 > incorrect 0.",
                [Target(), Coefficient(Alpha, ShapingDefaults.LaserAlpha, "Bonus for a short correct answer, ≥ 0.")]),
            s => PerResponse("laser", r => StepRewards.Laser(r, s.TargetTokens, s.Alpha ?? ShapingDefaults.LaserAlpha)),
            Always),

        new(Info(ShapingType.LaserD, "laser-d", "R = I(correct)·(1 + α·I(L < L_T)) + I(incorrect)·α·I(L ≥ L_T); cut = long",
                "Liu et al. 2025, Laser-D, as written in Wu et al. 2026", true,
                "Iff 0 ≤ α ≤ 1: lowest correct 1 (long), highest incorrect α (long). Ties at α = 1.",
                [Target(), Coefficient(Alpha, ShapingDefaults.LaserAlpha, "Bonus for short correct and for long incorrect answers, ≥ 0.")]),
            s => PerResponse("laser-d", r => StepRewards.LaserD(r, s.TargetTokens, s.Alpha ?? ShapingDefaults.LaserAlpha)),
            s => (s.Alpha ?? ShapingDefaults.LaserAlpha) <= 1.0),

        new(Info(ShapingType.L1Exact, "l1-exact", "R = I(correct) − α·|L_T − L|", "Aggarwal & Welleck 2025, L1 (LCPO-Exact)", false,
                "Not in general (open-r1 #360): a correct answer d_c from L_T loses to an incorrect one d_i from L_T when α(d_c − d_i) > 1. "
                + "Holds iff α·(max(L_T, |L_R − L_T|) − max(0, L_T − L_R)) ≤ 1; with L_T = L_R iff α·L_R ≤ 1.",
                [Target(), Coefficient(Alpha, ShapingDefaults.L1Alpha, "Penalty per token of deviation from L_T, ≥ 0.")]),
            s => PerResponse("l1-exact", r => PenaltyRewards.L1Exact(r, s.TargetTokens, s.Alpha ?? ShapingDefaults.L1Alpha)),
            L1ExactKeeps),

        new(Info(ShapingType.L1Max, "l1-max", "R = I(correct) · clip(α·(L_T − L) + δ, 0, 1)", "Aggarwal & Welleck 2025, L1 (LCPO-Max)", true,
                "Always, weakly: correct ∈ [0, 1], incorrect 0; a correct answer clipped to 0 ties.",
                [Target(), Coefficient(Alpha, ShapingDefaults.L1Alpha, "Slope per token below L_T, ≥ 0."),
                 new(Delta, false, Format(ShapingDefaults.L1MaxDelta), "Offset δ inside the clip, finite.")]),
            s => PerResponse("l1-max", r => PenaltyRewards.L1Max(
                r, s.TargetTokens, s.Alpha ?? ShapingDefaults.L1Alpha, s.Delta ?? ShapingDefaults.L1MaxDelta)),
            Always),

        new(Info(ShapingType.DapoOverlong, "dapo-overlong",
                "R = I(correct) + p(L); p = 0 if L ≤ L_R − L_cache, (L_R − L_cache − L)/L_cache up to L_R, −1 beyond",
                "Yu et al. 2025, DAPO (soft overlong punishment, L_max = rollout.maxTokens)", true,
                "Always, weakly: p ∈ [−1, 0], so correct ≥ 0 ≥ incorrect; a correct answer at L_R ties with a short incorrect one.",
                [new(CacheTokens, false, "rollout.maxTokens / 5",
                    "Soft-penalty zone L_cache before the rollout limit, in [1, rollout.maxTokens] (DAPO: 4096 of 20480).")]),
            s => PerResponse("dapo-overlong", r => PenaltyRewards.DapoOverlong(
                r, s.RolloutMaxTokens, s.CacheTokens ?? ShapingDefaults.DapoCacheTokens(s.RolloutMaxTokens))),
            Always),

        new(Info(ShapingType.AroraZanette, "arora-zanette", "R = I(correct) · (1 − α·σ((L − mean_c)/std_c)), over the group's correct answers",
                "Arora & Zanette 2025, Training Language Models to Reason Efficiently", true,
                "Iff 0 ≤ α ≤ 1 for every group size: correct > 1 − α ≥ 0 = incorrect. std_c = 0 gives z = 0; no correct answer gives all 0.",
                [Coefficient(Alpha, ShapingDefaults.AroraZanetteAlpha, "Weight of the sigmoid length penalty, ≥ 0 (paper: [0, 1)).")]),
            s => Group("arora-zanette", g => GroupRewards.AroraZanette(g, s.Alpha ?? ShapingDefaults.AroraZanetteAlpha)),
            s => (s.Alpha ?? ShapingDefaults.AroraZanetteAlpha) <= 1.0),

        new(Info(ShapingType.ShorterBetter, "shorter-better", "SOL = min correct L (else group mean L); R = α·I(correct) − β·|L − SOL|",
                "Yi, Wang & Li 2025, ShorterBetter", false,
                "Not in general: lowest correct α − β·L_R, highest incorrect 0. Holds iff β·L_R ≤ α (defaults: L_R ≤ 2000).",
                [Coefficient(Alpha, ShapingDefaults.ShorterBetterAlpha, "Reward of a correct answer, ≥ 0."),
                 Coefficient(Beta, ShapingDefaults.ShorterBetterBeta, "Penalty per token of distance to SOL, ≥ 0.")]),
            s => Group("shorter-better", g => GroupRewards.ShorterBetter(
                g, s.Alpha ?? ShapingDefaults.ShorterBetterAlpha, s.Beta ?? ShapingDefaults.ShorterBetterBeta)),
            s => (s.Beta ?? ShapingDefaults.ShorterBetterBeta) * s.RolloutMaxTokens <= (s.Alpha ?? ShapingDefaults.ShorterBetterAlpha)),

        new(Info(ShapingType.ThinkPrune, "think-prune", "R = I(correct) · I(finished ∧ L ≤ L(step)); L(step) from the schedule, L_R before it",
                "Hou et al. 2025, ThinkPrune", true, "Always, weakly (truncation at every step).",
                [new(Schedule, true, null,
                    "Stages {step, targetTokens}: from each step on, that limit applies (largest step ≤ current); before the first, rollout.maxTokens.")]),
            s => ThinkPrune(s.Schedule, s.RolloutMaxTokens),
            Always),
    ];

    private static FunctionShaping ThinkPrune(IReadOnlyList<LimitStage> schedule, int rolloutMaxTokens) =>
        new("think-prune", (group, step) => group.Select(r => StepRewards.ThinkPrune(r, schedule, step, rolloutMaxTokens)).ToArray());

    // Lengths lie in [0, L_R]: the farthest a correct answer can be from L_T, minus the nearest an incorrect one can be.
    private static bool L1ExactKeeps(ShapingSettings s)
    {
        var farthest = Math.Max(s.TargetTokens, Math.Abs(s.RolloutMaxTokens - s.TargetTokens));
        var nearest = Math.Max(0, s.TargetTokens - s.RolloutMaxTokens);
        return (s.Alpha ?? ShapingDefaults.L1Alpha) * (farthest - nearest) <= 1.0;
    }

    private static bool Always(ShapingSettings settings) => true;

    private static ShapingInfo Info(ShapingType type, string name, string formula, string source, bool keeps, string note,
        IReadOnlyList<ShapingParameter> parameters) => new(type, name, formula, source, keeps, note, parameters);

    private static ShapingParameter Target() =>
        new(TargetTokens, false, "rollout.maxTokens", "Target length L_T in tokens, ≥ 1 (L_T = L_R by default).");

    private static ShapingParameter Coefficient(string name, double defaultValue, string description) =>
        new(name, false, Format(defaultValue), description);

    private static string Format(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static FunctionShaping PerResponse(string name, Func<ResponseOutcome, double> reward) =>
        new(name, (group, _) => group.Select(reward).ToArray());

    private static FunctionShaping Group(string name, Func<IReadOnlyList<ResponseOutcome>, double[]> rewards) =>
        new(name, (group, _) => rewards(group));
}

/// <summary>A shaping scheme backed by a pure function of (group, step).</summary>
internal sealed class FunctionShaping(string name, Func<IReadOnlyList<ResponseOutcome>, int, double[]> score) : IRewardShaping
{
    public double[] Score(IReadOnlyList<ResponseOutcome> group, int step)
    {
        ArgumentNullException.ThrowIfNull(group);
        return score(group, step);
    }

    public override string ToString() => name;
}
