// What the learner trains on: one response of a scored group, with everything the GRPO-family loss needs (PAPER.md,
// "GRPO-family definitions") and nothing from the reward stage that the loss does not read. It mirrors one row of
// verl's DataProto batch (input_ids = prompt ‖ response, old_log_probs, advantages, response_mask), kept ragged here:
// padding is the micro-batch's business (ResponseScorer), not the record's.
//
// Shapes (per sample): prompt ids (P,), response ids (R,), old log-probabilities (R,), one scalar advantage that the
// loss broadcasts over the R response tokens. Token r of the response is predicted from prompt ‖ response[..r].
//
// Left out: per-token advantages or rewards (the rewards here are outcome rewards, one per response) and the sampled
// distribution's log-probabilities after top-k/top-p (the ratio uses the temperature-only ones; see OldLogProbs).
using Pipeline.Core.Scoring;
using Pipeline.Model.Generation;

namespace Pipeline.Model.Training;

/// <summary>One response to train on (see the file header for shapes).</summary>
/// <param name="PromptIds">The prompt's token ids (P ≥ 1): the context, never trained on.</param>
/// <param name="ResponseIds">The generated ids (R ≥ 0), stop token included when the response stopped.</param>
/// <param name="OldLogProbs">π_old per response token (R,): log softmax(logits / temperature) of the policy that
/// generated it — <see cref="GenerationResult.RawLogProbs"/>, the same quantity the learner recomputes for π_θ.</param>
/// <param name="Advantage">The response's scalar advantage (GRPO, Dr. GRPO or RLOO), broadcast over its tokens.</param>
/// <param name="Trains">The reward stage's loss mask: false removes the response from the loss entirely — from the
/// numerator and from every denominator (token and sequence counts).</param>
/// <param name="PolicyVersion">The policy version that generated the response (for staleness bookkeeping).</param>
/// <param name="GroupId">The group (prompt) the response belongs to; mini-batches never split a group.</param>
public sealed record TrainingSample(
    int[] PromptIds,
    int[] ResponseIds,
    float[] OldLogProbs,
    double Advantage,
    bool Trains,
    long PolicyVersion,
    string GroupId)
{
    /// <summary>Prompt plus response tokens: what a forward pass over this sample processes.</summary>
    public int TotalTokens => PromptIds.Length + ResponseIds.Length;

    /// <summary>Whether the sample contributes to the loss: it trains and has at least one response token.</summary>
    public bool Contributes => Trains && ResponseIds.Length > 0;

    /// <summary>The prompt followed by the response, the sequence the policy scores.</summary>
    public int[] Sequence() => [.. PromptIds, .. ResponseIds];

    /// <summary>Every structural problem of this sample (empty when it is usable).</summary>
    public IEnumerable<string> Problems()
    {
        if (PromptIds is null || PromptIds.Length == 0) yield return "the prompt is empty (the first response token needs a context)";
        if (ResponseIds is null) yield return "response ids are missing";
        if (OldLogProbs is null) yield return "old log-probabilities are missing";
        else if (ResponseIds is not null && OldLogProbs.Length != ResponseIds.Length)
            yield return $"{OldLogProbs.Length} old log-probabilities for {ResponseIds.Length} response tokens (need one per token)";
        if (GroupId is null) yield return "group id is missing";
    }

    /// <summary>A sample from one generated response (its ids and <see cref="GenerationResult.RawLogProbs"/>).</summary>
    public static TrainingSample FromGeneration(IReadOnlyList<int> promptIds, GenerationResult result, double advantage, bool trains,
        long policyVersion, string groupId)
    {
        ArgumentNullException.ThrowIfNull(promptIds);
        ArgumentNullException.ThrowIfNull(result);
        return new TrainingSample([.. promptIds], [.. result.TokenIds], [.. result.RawLogProbs], advantage, trains, policyVersion, groupId);
    }

    /// <summary>
    /// The samples of one scored group: response i gets <c>scored.Advantages[i]</c> and trains when
    /// <c>scored.LossMask[i]</c>. <paramref name="results"/> and the scored lists must be in the same order.
    /// </summary>
    /// <exception cref="ArgumentException">The scored lists and the results differ in length.</exception>
    public static IReadOnlyList<TrainingSample> FromGroup(IReadOnlyList<int> promptIds, IReadOnlyList<GenerationResult> results,
        ScoredResponses scored, long policyVersion, string groupId)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(scored);
        if (scored.Advantages.Count != results.Count || scored.LossMask.Count != results.Count)
            throw new ArgumentException(
                $"group {groupId}: {results.Count} responses but {scored.Advantages.Count} advantages and {scored.LossMask.Count} loss-mask entries",
                nameof(scored));
        return results.Select((r, i) => FromGeneration(promptIds, r, scored.Advantages[i], scored.LossMask[i], policyVersion, groupId)).ToArray();
    }

    /// <summary>Throws one <see cref="ArgumentException"/> listing every unusable sample of <paramref name="samples"/>.</summary>
    public static void Validate(IReadOnlyList<TrainingSample> samples, string paramName)
    {
        ArgumentNullException.ThrowIfNull(samples, paramName);
        var problems = samples.SelectMany((s, i) => s is null ? [$"sample {i} is null"] : s.Problems().Select(p => $"sample {i}: {p}")).ToList();
        if (problems.Count > 0) throw new ArgumentException("cannot train: " + string.Join("; ", problems), paramName);
    }
}
