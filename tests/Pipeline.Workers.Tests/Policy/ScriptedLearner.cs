using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts.V1;
using Pipeline.Hosting;

namespace Pipeline.Workers.Tests.Policy;

/// <summary>
/// A test-only Learner service whose GetPolicy is whatever the test says (serve a folder with
/// <see cref="Workers.Policy.PolicyStreaming.WriteAsync"/>, tamper with it, or send raw chunks); it records the requests.
/// </summary>
internal sealed class ScriptedLearner(Func<GetPolicyRequest, IServerStreamWriter<PolicyChunk>, ServerCallContext, Task> getPolicy)
    : Learner.LearnerBase
{
    public ConcurrentQueue<GetPolicyRequest> Requests { get; } = new();

    public override Task GetPolicy(GetPolicyRequest request, IServerStreamWriter<PolicyChunk> responseStream, ServerCallContext context)
    {
        Requests.Enqueue(request);
        return getPolicy(request, responseStream, context);
    }
}

/// <summary>A <see cref="ScriptedLearner"/> on a real Kestrel h2c port on loopback, and a client channel to it.</summary>
internal sealed class LearnerServer : IAsyncDisposable
{
    private readonly RunningServiceHost _host;

    private LearnerServer(RunningServiceHost host, ScriptedLearner learner)
    {
        _host = host;
        Learner = learner;
        Channel = GrpcChannel.ForAddress(FormattableString.Invariant($"http://127.0.0.1:{host.GrpcPort}"));
        Client = new Learner.LearnerClient(Channel);
    }

    public ScriptedLearner Learner { get; }
    public GrpcChannel Channel { get; }
    public Learner.LearnerClient Client { get; }

    public static async Task<LearnerServer> StartAsync(Func<GetPolicyRequest, IServerStreamWriter<PolicyChunk>, ServerCallContext, Task> getPolicy)
    {
        var learner = new ScriptedLearner(getPolicy);
        var builder = ServiceHost.CreateBuilder(["--Service:GrpcPort=0", "--Service:MetricsPort=0"]);
        builder.Web.Services.AddSingleton(learner);
        var host = await builder.StartAsync(app => app.MapGrpcService<ScriptedLearner>());
        return new LearnerServer(host, learner);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _host.DisposeAsync();
    }
}

/// <summary>Passes chunks through, flipping the first byte of the chunk at <paramref name="index"/>.</summary>
internal sealed class TamperingWriter(IServerStreamWriter<PolicyChunk> inner, int index) : IServerStreamWriter<PolicyChunk>
{
    private int _written;

    public WriteOptions? WriteOptions
    {
        get => inner.WriteOptions;
        set => inner.WriteOptions = value;
    }

    public Task WriteAsync(PolicyChunk message) => WriteAsync(message, CancellationToken.None);

    // PolicyStreaming writes with a token; the interface's default for this overload refuses cancellable tokens.
    public Task WriteAsync(PolicyChunk message, CancellationToken cancellationToken)
    {
        if (_written++ == index && message.Data.Length > 0)
        {
            var bytes = message.Data.ToByteArray();
            bytes[0] ^= 0xFF;
            message = new PolicyChunk(message) { Data = Google.Protobuf.ByteString.CopyFrom(bytes) };
        }
        return inner.WriteAsync(message, cancellationToken);
    }
}
