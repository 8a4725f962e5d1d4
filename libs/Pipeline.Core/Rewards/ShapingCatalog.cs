using Pipeline.Core.Spec;
using static Pipeline.Core.Rewards.ShapingParameterNames;

namespace Pipeline.Core.Rewards;

/// <summary>
/// The catalogue of reward-shaping schemes: what each one is (<see cref="Describe"/>, <see cref="All"/>), how to
/// build it from a spec (<see cref="Create"/>), and whether a concrete spec keeps "correct ≥ incorrect"
/// (<see cref="GuaranteesCorrectAboveIncorrect"/>). The entries are registered in one place, ShapingRegistry.
/// </summary>
public static class ShapingCatalog
{
    private static readonly Dictionary<ShapingType, ShapingEntry> ByType =
        ShapingRegistry.Entries.ToDictionary(e => e.Info.Type);

    /// <summary>Every scheme, in <see cref="ShapingType"/> order.</summary>
    public static IReadOnlyList<ShapingInfo> All { get; } = ShapingRegistry.Entries.Select(e => e.Info).ToArray();

    /// <summary>The description of one scheme.</summary>
    public static ShapingInfo Describe(ShapingType type) => Entry(type).Info;

    /// <summary>
    /// Builds the scheme of <paramref name="spec"/>. <paramref name="rolloutMaxTokens"/> (L_R) is the default
    /// target length (L_T = L_R), the L_max of dapo-overlong, and think-prune's limit before its first stage.
    /// The spec is copied: later edits do not change the scheme.
    /// </summary>
    /// <exception cref="ArgumentException">A parameter the scheme does not use is set, a required one is missing, or a
    /// value is out of range; the message lists every problem as <c>reward.shaping.name: reason</c>.</exception>
    public static IRewardShaping Create(ShapingSpec spec, int rolloutMaxTokens) =>
        Entry(spec.Type).Create(Checked(spec, rolloutMaxTokens));

    /// <summary>
    /// Whether every group with lengths in [0, L_R] keeps "the lowest correct reward ≥ the highest incorrect reward"
    /// under this exact spec (the condition of <see cref="ShapingInfo.InvariantNote"/>, evaluated). Exact: when it
    /// returns false, some group of that kind violates the invariant.
    /// </summary>
    /// <exception cref="ArgumentException">As for <see cref="Create"/>.</exception>
    public static bool GuaranteesCorrectAboveIncorrect(ShapingSpec spec, int rolloutMaxTokens) =>
        Entry(spec.Type).KeepsCorrectAboveIncorrect(Checked(spec, rolloutMaxTokens));

    /// <summary>
    /// The limit that defines "short" for loss masks (<see cref="LossMasks"/>) at a training step: think-prune's
    /// scheduled limit, otherwise <c>targetTokens</c>, otherwise L_R (then "short" just means "finished").
    /// </summary>
    public static int MaskTargetTokens(ShapingSpec spec, int rolloutMaxTokens, int step) =>
        spec.Type == ShapingType.ThinkPrune && spec.Schedule is { } schedule
            ? StepRewards.ThinkPruneLimit(schedule.Select(s => new LimitStage(s.Step, s.TargetTokens)).ToArray(), step, rolloutMaxTokens)
            : spec.TargetTokens ?? rolloutMaxTokens;

    /// <summary>Every problem with <paramref name="spec"/> for its scheme, each with its field path
    /// (<c>spec.reward.shaping.name</c>); empty when <see cref="Create"/> would succeed. The spec validator reports
    /// these, so the rules live here, beside the schemes, and nowhere else.</summary>
    public static IReadOnlyList<SpecError> Problems(ShapingSpec spec, int rolloutMaxTokens)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var info = Describe(spec.Type);
        var problems = new List<SpecError>();
        if (rolloutMaxTokens < 1) problems.Add(new("spec.rollout.maxTokens", $"must be ≥ 1, got {rolloutMaxTokens}"));
        foreach (var name in ShapingParameterNames.All)
        {
            var parameter = info.Parameters.FirstOrDefault(p => p.Name == name);
            var isSet = IsSet(spec, name);
            var path = $"{PathPrefix}{name}";
            if (isSet && parameter is null) problems.Add(new(path, $"not used by '{info.Name}'; {Takes(info)}"));
            else if (!isSet && parameter is { Required: true }) problems.Add(new(path, $"required by '{info.Name}': {parameter.Description}"));
            else if (isSet) problems.AddRange(RangeProblems(spec, name, path, rolloutMaxTokens));
        }
        return problems;
    }

    private const string PathPrefix = "spec.reward.shaping.";

    private static string Takes(ShapingInfo info) =>
        info.Parameters.Count == 0 ? "it takes no parameters" : $"it takes {string.Join(", ", info.Parameters.Select(p => p.Name))}";

    private static IEnumerable<SpecError> RangeProblems(ShapingSpec spec, string name, string path, int rolloutMaxTokens)
    {
        switch (name)
        {
            case TargetTokens when spec.TargetTokens < 1 || spec.TargetTokens > rolloutMaxTokens:
                yield return new(path, $"must be in [1, rollout.maxTokens = {rolloutMaxTokens}] (L_T ≤ L_R), got {spec.TargetTokens}");
                break;
            case Alpha when !(spec.Alpha >= 0 && double.IsFinite(spec.Alpha.Value)):
                yield return new(path, $"must be a finite number ≥ 0, got {spec.Alpha}");
                break;
            case Beta when !(spec.Beta >= 0 && double.IsFinite(spec.Beta.Value)):
                yield return new(path, $"must be a finite number ≥ 0, got {spec.Beta}");
                break;
            case Delta when !double.IsFinite(spec.Delta!.Value):
                yield return new(path, $"must be a finite number, got {spec.Delta}");
                break;
            case CacheTokens when spec.CacheTokens < 1 || spec.CacheTokens > rolloutMaxTokens:
                yield return new(path, $"must be in [1, rollout.maxTokens = {rolloutMaxTokens}], got {spec.CacheTokens}");
                break;
            case Schedule:
                foreach (var problem in ScheduleProblems(spec.Schedule!, path, rolloutMaxTokens)) yield return problem;
                break;
        }
    }

    private static IEnumerable<SpecError> ScheduleProblems(List<ScheduleStageSpec> schedule, string path, int rolloutMaxTokens)
    {
        if (schedule.Count == 0) yield return new(path, "must list at least one {step, targetTokens} stage");
        for (var i = 0; i < schedule.Count; i++)
        {
            var (step, target) = (schedule[i].Step, schedule[i].TargetTokens);
            var (stepPath, targetPath) = ($"{path}[{i}].step", $"{path}[{i}].targetTokens");
            if (step < 0) yield return new(stepPath, $"must be ≥ 0, got {step}");
            if (target < 1 || target > rolloutMaxTokens)
                yield return new(targetPath, $"must be in [1, rollout.maxTokens = {rolloutMaxTokens}], got {target}");
            if (i > 0 && step <= schedule[i - 1].Step)
                yield return new(stepPath, $"steps must increase; {step} follows {schedule[i - 1].Step}");
            if (i > 0 && target > schedule[i - 1].TargetTokens)
                yield return new(targetPath, $"the limit must tighten over rounds; {target} follows {schedule[i - 1].TargetTokens}");
        }
    }

    private static ShapingSettings Checked(ShapingSpec spec, int rolloutMaxTokens)
    {
        var problems = Problems(spec, rolloutMaxTokens);
        if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems.Select(p => p.ToString())), nameof(spec));
        return ShapingSettings.From(spec, rolloutMaxTokens);
    }

    private static ShapingEntry Entry(ShapingType type) =>
        ByType.TryGetValue(type, out var entry)
            ? entry
            : throw new ArgumentOutOfRangeException(nameof(type), type, "no shaping scheme is registered under this type");
}
