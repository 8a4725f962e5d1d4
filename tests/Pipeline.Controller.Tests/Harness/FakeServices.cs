using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts.V1;

namespace Pipeline.Controller.Tests.Harness;

/// <summary>
/// An experiment's learner and evaluator as the controller sees them: real gRPC (Learner.GetStatus,
/// Evaluator.GetResults) on a loopback port, answering with whatever the test sets.
/// </summary>
public sealed class FakeServices : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeServices(WebApplication app, ServiceState state)
    {
        _app = app;
        State = state;
    }

    public ServiceState State { get; }

    public string Address { get; private set; } = "";

    public static async Task<FakeServices> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        var state = new ServiceState();
        builder.Services.AddSingleton(state);
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<LearnerStub>();
        app.MapGrpcService<EvaluatorStub>();
        await app.StartAsync();
        var services = new FakeServices(app, state) { Address = app.Urls.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) };
        return services;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed class ServiceState
    {
        private volatile LearnerStatus? _learner;
        private volatile EvalResult? _evaluation;

        public LearnerStatus? Learner { get => _learner; set => _learner = value; }

        public EvalResult? Evaluation { get => _evaluation; set => _evaluation = value; }
    }

    private sealed class LearnerStub(ServiceState state) : Learner.LearnerBase
    {
        public override Task<LearnerStatus> GetStatus(GetStatusRequest request, ServerCallContext context) =>
            state.Learner is { } status ? Task.FromResult(status) : throw new RpcException(new Status(StatusCode.Unavailable, "starting"));
    }

    private sealed class EvaluatorStub(ServiceState state) : Evaluator.EvaluatorBase
    {
        public override Task<GetResultsResponse> GetResults(GetResultsRequest request, ServerCallContext context)
        {
            var response = new GetResultsResponse();
            if (state.Evaluation is { } result && result.Dataset == request.Dataset) response.Results.Add(result);
            return Task.FromResult(response);
        }
    }
}
