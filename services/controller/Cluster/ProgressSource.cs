using Grpc.Net.Client;
using Pipeline.Contracts.V1;
using Pipeline.Services.Controller.Reconcile;

namespace Pipeline.Services.Controller.Cluster;

/// <summary>An experiment's progress as its services report it.</summary>
public interface IProgressSource
{
    Task<LearnerStatus?> LearnerAsync(ExperimentObject experiment, CancellationToken cancellationToken);

    Task<IReadOnlyList<EvalResult>> EvaluationsAsync(ExperimentObject experiment, CancellationToken cancellationToken);
}

/// <summary>
/// Asks the learner's <c>Learner.GetStatus</c> and the evaluator's <c>Evaluator.GetResults</c> over gRPC, through the
/// experiment's Services (or one fixed address, <c>Controller:ProgressAddress</c>). A service that does not answer
/// (starting, restarting) gives nothing; the status keeps what was seen before.
/// </summary>
public sealed class GrpcProgressSource(Func<ExperimentObject, string, string> address) : IProgressSource, IDisposable
{
    /// <summary>The experiment's Services in its namespace, or <c>Controller:ProgressAddress</c> for every one.</summary>
    public static GrpcProgressSource For(ControllerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new GrpcProgressSource((experiment, service) => options.ProgressAddress is { Length: > 0 } fixedAddress
            ? fixedAddress
            : $"http://{ServiceNames.GrpcService(experiment.Name, service)}.{experiment.Namespace}.svc:{ServiceNames.GrpcPort}");
    }

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);
    private readonly Dictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public async Task<LearnerStatus?> LearnerAsync(ExperimentObject experiment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        try
        {
            var client = new Learner.LearnerClient(Channel(experiment, ServiceNames.Learner));
            return await client.GetStatusAsync(new GetStatusRequest { Experiment = experiment.Name }, deadline: DateTime.UtcNow + CallTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Grpc.Core.RpcException)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<EvalResult>> EvaluationsAsync(ExperimentObject experiment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var results = new List<EvalResult>();
        try
        {
            var client = new Evaluator.EvaluatorClient(Channel(experiment, ServiceNames.Evaluator));
            foreach (var set in experiment.Document!.Spec.Data.Eval)
            {
                var response = await client.GetResultsAsync(new GetResultsRequest { Experiment = experiment.Name, Dataset = set.Name },
                    deadline: DateTime.UtcNow + CallTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (response.Results.MaxBy(r => r.Step) is { } latest) results.Add(latest);
            }
        }
        catch (Grpc.Core.RpcException)
        {
            // Keep what was read before the service stopped answering.
        }
        return results;
    }

    private GrpcChannel Channel(ExperimentObject experiment, string service)
    {
        var target = address(experiment, service);
        lock (_lock)
        {
            if (!_channels.TryGetValue(target, out var channel)) _channels[target] = channel = GrpcChannel.ForAddress(target);
            return channel;
        }
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values) channel.Dispose();
    }
}
