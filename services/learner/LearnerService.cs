using Grpc.Core;
using Pipeline.Contracts.V1;
using Pipeline.Workers.Policy;

namespace Pipeline.Services.Learner;

/// <summary>
/// gRPC <c>pipeline.v1.Learner</c>: progress, and a policy version's folder streamed in chunks for consumers that
/// do not share the learner's disk (<see cref="GrpcPolicyStore"/> reads it back and checks its SHA-256).
/// </summary>
public sealed class LearnerService(LearnerProgress progress, FolderPolicyStore policies) : Contracts.V1.Learner.LearnerBase
{
    public override Task<LearnerStatus> GetStatus(GetStatusRequest request, ServerCallContext context) => Task.FromResult(progress.Snapshot());

    public override async Task GetPolicy(GetPolicyRequest request, IServerStreamWriter<PolicyChunk> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var version = request.HasVersion ? progress.Announced(request.Version) : progress.Snapshot().Policy;
        if (version is null)
            throw new RpcException(new Status(StatusCode.NotFound, request.HasVersion
                ? $"policy version {request.Version} was not announced by this learner"
                : "no policy version has been announced yet"));
        var folder = policies.VersionFolder(version.Version);
        if (!Directory.Exists(folder))
            throw new RpcException(new Status(StatusCode.NotFound, $"policy version {version.Version} has been retired (newest {policies.Keep} are kept)"));
        await PolicyStreaming.WriteAsync(version, folder, responseStream, cancellationToken: context.CancellationToken).ConfigureAwait(false);
    }
}
