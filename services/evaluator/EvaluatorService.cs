using Grpc.Core;
using Pipeline.Contracts.V1;
using Pipeline.Workers.Evaluation;

namespace Pipeline.Services.Evaluator;

/// <summary>
/// gRPC <c>pipeline.v1.Evaluator</c>: <c>GetResults</c> returns what this process has published; <c>Evaluate</c>
/// sweeps an announced version now (waiting for the loop's current sweep), without writing to the run.
/// </summary>
public sealed class EvaluatorService(EvaluatorState state) : Contracts.V1.Evaluator.EvaluatorBase
{
    public override Task<GetResultsResponse> GetResults(GetResultsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var response = new GetResultsResponse();
        response.Results.AddRange(state.Results(request.Dataset));
        return Task.FromResult(response);
    }

    public override async Task<EvalResult> Evaluate(EvaluateRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var worker = state.Worker ?? throw new RpcException(new Status(StatusCode.Unavailable, "the evaluator is still starting"));
        await state.Turn.WaitAsync(context.CancellationToken).ConfigureAwait(false);
        try
        {
            var announced = worker.Announced;
            if (announced.Count == 0) throw new RpcException(new Status(StatusCode.FailedPrecondition, "no policy version has been announced yet"));
            PolicyVersion? version;
            if (!request.HasPolicyVersion) version = announced.Values.MaxBy(v => v.Version);
            else if (!announced.TryGetValue(request.PolicyVersion, out version))
                throw new RpcException(new Status(StatusCode.NotFound, $"policy version {request.PolicyVersion} has not been announced (known: {string.Join(", ", announced.Keys.Order())})"));
            if (string.IsNullOrEmpty(request.Dataset) && worker.SetCount != 1)
                throw new RpcException(new Status(StatusCode.InvalidArgument, "the spec has several evaluation sets: name one in dataset"));
            try
            {
                var (_, report) = worker.Evaluate(version!, string.IsNullOrEmpty(request.Dataset) ? null : request.Dataset)[0];
                return EvaluatorWorker.ToMessage(version!, report);
            }
            catch (ArgumentException e)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, e.Message));
            }
        }
        finally
        {
            state.Turn.Release();
        }
    }
}
