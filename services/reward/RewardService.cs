using System.Globalization;
using Grpc.Core;
using Pipeline.Contracts.V1;

namespace Pipeline.Services.Reward;

/// <summary>gRPC <c>pipeline.v1.Reward</c>: scores one group per call and records it in the metrics.</summary>
public sealed class RewardService(RewardScoring scoring, RewardMetrics metrics) : Contracts.V1.Reward.RewardBase
{
    public override Task<ScoredGroup> Score(RolloutGroup request, ServerCallContext context)
    {
        // An inconsistent group is the caller's error, not a server failure.
        var problem = RewardScoring.Problem(request);
        if (problem is not null) throw new RpcException(new Status(StatusCode.InvalidArgument, problem));

        var scored = scoring.Score(request);
        metrics.GroupsScored.Inc();
        metrics.ScoreSeconds.Observe(scored.ScoringSeconds);
        foreach (var score in scored.Scores)
        {
            metrics.Responses.WithLabels(score.Correct ? "true" : "false").Inc();
            metrics.ShapedReward.Observe(score.Reward);
        }
        return Task.FromResult(scored);
    }
}
