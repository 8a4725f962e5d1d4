using System.Globalization;
using Grpc.Core;
using Pipeline.Contracts.V1;
using Pipeline.Core.Scoring;

namespace Pipeline.Services.Reward;

/// <summary>gRPC <c>pipeline.v1.Reward</c>: scores one group per call with the same code as the RewardWorker
/// (<see cref="RolloutGroupScoring"/>) and records it in the metrics.</summary>
public sealed class RewardService(GroupScorer scorer, RewardMetrics metrics) : Contracts.V1.Reward.RewardBase
{
    public override Task<ScoredGroup> Score(RolloutGroup request, ServerCallContext context)
    {
        // An inconsistent group is the caller's error, not a server failure.
        var problem = RolloutGroupScoring.Problem(request);
        if (problem is not null) throw new RpcException(new Status(StatusCode.InvalidArgument, problem));

        var scored = scorer.Score(request);
        metrics.Record(scored);
        return Task.FromResult(scored);
    }
}
