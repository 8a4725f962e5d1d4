using System.Diagnostics;
using System.Globalization;
using Pipeline.Contracts.V1;

namespace Pipeline.Core.Scoring;

/// <summary>
/// The reward stage on the wire messages: a <see cref="RolloutGroup"/> to a <see cref="ScoredGroup"/> with
/// <see cref="GroupScorer"/>. A response is finished when it stopped (not cut at the limit); its length is its token
/// count. The RewardWorker (bus) and the reward service (gRPC) both call this.
/// </summary>
public static class RolloutGroupScoring
{
    /// <summary>Why the group cannot be scored (dead letter / invalid argument), or null when it is consistent.</summary>
    public static string? Problem(RolloutGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (group.Request is null) return "the group has no request";
        if (group.Completions.Count == 0) return "the group has no completions";
        if (group.Completions.Count != group.Request.GroupSize)
            return string.Create(CultureInfo.InvariantCulture,
                $"the group has {group.Completions.Count} completions, its request asked for {group.Request.GroupSize}");
        var bad = group.Completions.Select((c, i) => (c, i)).FirstOrDefault(x => x.c.Logprobs.Count != x.c.TokenIds.Count);
        return bad.c is null
            ? null
            : string.Create(CultureInfo.InvariantCulture,
                $"completion {bad.i} has {bad.c.TokenIds.Count} tokens but {bad.c.Logprobs.Count} logprobs");
    }

    /// <summary>Scores a consistent group (see <see cref="Problem"/>); scores follow the completions' order.</summary>
    public static ScoredGroup Score(this GroupScorer scorer, RolloutGroup group)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(group);
        var watch = Stopwatch.StartNew();
        var responses = group.Completions
            .Select(c => new ResponseToScore(c.Text, c.TokenIds.Count, c.FinishReason == FinishReason.Stop)).ToList();
        var scored = scorer.Score(group.Request.GoldAnswer, responses, group.Request.Step);
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
