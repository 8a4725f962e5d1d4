using System.Diagnostics;
using Pipeline.Contracts.V1;
using Pipeline.Core.Scoring;
using Pipeline.Core.Spec;

namespace Pipeline.Services.Reward;

/// <summary>
/// A <see cref="RolloutGroup"/> to a <see cref="ScoredGroup"/> with <see cref="GroupScorer"/>, the reward stage
/// the RewardWorker runs: a response is finished when it stopped (not cut at the limit), its length is its token count.
/// </summary>
public sealed class RewardScoring(ExperimentSpec spec)
{
    private readonly GroupScorer _scorer = new(spec);

    /// <summary>Why the group cannot be scored, or null (the RewardWorker's dead-letter rules).</summary>
    public static string? Problem(RolloutGroup group)
    {
        if (group.Request is null) return "the group has no request";
        if (group.Completions.Count == 0) return "the group has no completions";
        if (group.Completions.Count != group.Request.GroupSize)
            return $"the group has {group.Completions.Count} completions, its request asked for {group.Request.GroupSize}";
        var bad = group.Completions.Select((c, i) => (c, i)).FirstOrDefault(x => x.c.Logprobs.Count != x.c.TokenIds.Count);
        return bad.c is null ? null : $"completion {bad.i} has {bad.c.TokenIds.Count} tokens but {bad.c.Logprobs.Count} logprobs";
    }

    public ScoredGroup Score(RolloutGroup group)
    {
        var watch = Stopwatch.StartNew();
        var responses = group.Completions
            .Select(c => new ResponseToScore(c.Text, c.TokenIds.Count, c.FinishReason == FinishReason.Stop)).ToList();
        var scored = _scorer.Score(group.Request.GoldAnswer, responses, group.Request.Step);
        var result = new ScoredGroup { Group = group };
        for (var i = 0; i < responses.Count; i++)
        {
            result.Scores.Add(new CompletionScore
            {
                Correct = scored.Correct[i], Extracted = scored.Extracted[i] ?? "", Reward = scored.Rewards[i],
                Trains = scored.LossMask[i], Advantage = scored.Advantages[i],
            });
        }
        result.ScoringSeconds = watch.Elapsed.TotalSeconds;
        return result;
    }
}
