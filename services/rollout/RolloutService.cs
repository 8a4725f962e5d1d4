using System.Diagnostics;
using Grpc.Core;
using Pipeline.Contracts.V1;
using Pipeline.Workers;

namespace Pipeline.Services.Rollout;

/// <summary>
/// gRPC <c>pipeline.v1.Rollout</c>: samples a group from the weights the worker has loaded, with the same sampler
/// (and so the same per-completion streams) as the bus path; calls and bus batches take turns on the model.
/// </summary>
public sealed class RolloutService(RolloutSampler sampler, RolloutMetrics metrics, RolloutWorkerIdentity identity) : Contracts.V1.Rollout.RolloutBase
{
    public override Task<RolloutGroup> Generate(RolloutRequest request, ServerCallContext context) => Task.FromResult(Sample(request));

    /// <summary>The group's completions one message each, in group order (the group is sampled as one batch).</summary>
    public override async Task GenerateStream(RolloutRequest request, IServerStreamWriter<GenerateStreamResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(responseStream);
        var group = Sample(request);
        for (var i = 0; i < group.Completions.Count; i++)
            await responseStream.WriteAsync(new GenerateStreamResponse { Index = i, Completion = group.Completions[i], PolicyVersion = group.PolicyVersion }).ConfigureAwait(false);
    }

    private RolloutGroup Sample(RolloutRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Problem(request) is { } problem) throw new RpcException(new Status(StatusCode.InvalidArgument, problem));
        if (sampler.PolicyVersion < 0) throw new RpcException(new Status(StatusCode.Unavailable, "no policy version is loaded yet"));
        var watch = Stopwatch.StartNew();
        var (groups, version) = sampler.Generate([request]);
        var group = new RolloutGroup { Request = request, PolicyVersion = version, Worker = identity.Name, GenerationSeconds = watch.Elapsed.TotalSeconds };
        group.Completions.AddRange(groups[0]);
        metrics.RecordBatch(1, group.Completions.Count, group.Completions.Sum(c => (long)c.TokenIds.Count), watch.Elapsed.TotalSeconds);
        return group;
    }

    private static string? Problem(RolloutRequest request) =>
        request.PromptTokenIds.Count == 0 ? "prompt_token_ids is empty"
        : request.GroupSize is < 1 or > 1024 ? $"group_size must be 1..1024, got {request.GroupSize}"
        : request.Sampling is null ? "sampling is required"
        : request.Sampling.MaxTokens < 1 ? $"sampling.max_tokens must be at least 1, got {request.Sampling.MaxTokens}"
        : request.Sampling.Temperature < 0 ? $"sampling.temperature must be ≥ 0, got {request.Sampling.Temperature}"
        : null;
}

/// <summary>The replica's name, shared by the bus worker and the gRPC service.</summary>
public sealed record RolloutWorkerIdentity(string Name);
