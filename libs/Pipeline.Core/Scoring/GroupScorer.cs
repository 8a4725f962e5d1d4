using Pipeline.Core.Advantages;
using Pipeline.Core.Rewards;
using Pipeline.Core.Spec;
using Pipeline.Core.Verifiers;

namespace Pipeline.Core.Scoring;

/// <summary>One response of a group before scoring: its text, its length in generated tokens, and whether it
/// finished (false: cut at the rollout limit).</summary>
public sealed record ResponseToScore(string Text, int Length, bool Finished);

/// <summary>A scored group, one entry per response in the input order.</summary>
public sealed record ScoredResponses(
    IReadOnlyList<bool> Correct,
    IReadOnlyList<string?> Extracted,
    IReadOnlyList<double> Rewards,
    IReadOnlyList<bool> LossMask,
    IReadOnlyList<double> Advantages);

/// <summary>
/// The reward stage as one function: verify each response against the gold answer, shape the rewards with the
/// group's lengths, mask negative rollouts, and compute group-relative advantages — all from the spec. The reward
/// worker, the embedded host and <c>pipeline score</c> all run this code.
/// </summary>
public sealed class GroupScorer
{
    private readonly IVerifier _verifier;
    private readonly IRewardShaping _shaping;
    private readonly MaskStrategy _mask;
    private readonly ShapingSpec _shapingSpec;
    private readonly int _rolloutMaxTokens;
    private readonly AdvantageAlgorithm _algorithm;
    private readonly AdvantageSpec _advantage;

    public GroupScorer(ExperimentSpec spec)
    {
        _verifier = VerifierRegistry.Create(spec.Reward.Verifier);
        _shaping = ShapingCatalog.Create(spec.Reward.Shaping, spec.Rollout.MaxTokens);
        _mask = spec.Reward.Mask;
        _shapingSpec = spec.Reward.Shaping;
        _rolloutMaxTokens = spec.Rollout.MaxTokens;
        _algorithm = spec.Optimizer.Algorithm;
        _advantage = spec.Optimizer.Advantage;
    }

    /// <param name="gold">The gold answer of the group's prompt.</param>
    /// <param name="responses">The group's responses, in order.</param>
    /// <param name="step">Training step, for schedules such as think-prune.</param>
    public ScoredResponses Score(string gold, IReadOnlyList<ResponseToScore> responses, int step)
    {
        var verdicts = responses.Select(r => _verifier.Verify(r.Text, gold)).ToList();
        var outcomes = responses.Zip(verdicts, (r, v) => new ResponseOutcome(v.Correct, r.Length, r.Finished)).ToList();
        var rewards = _shaping.Score(outcomes, step);
        var mask = LossMasks.Compute(_mask, outcomes, ShapingCatalog.MaskTargetTokens(_shapingSpec, _rolloutMaxTokens, step));
        var advantages = AdvantageEstimator.Compute(_algorithm, rewards, mask, _advantage);
        return new ScoredResponses(
            verdicts.Select(v => v.Correct).ToList(),
            verdicts.Select(v => v.Extracted).ToList(),
            rewards, mask, advantages);
    }
}
