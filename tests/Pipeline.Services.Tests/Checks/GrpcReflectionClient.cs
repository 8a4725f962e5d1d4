using System.Globalization;
using System.Text.Json;

namespace Pipeline.Services.Tests.Checks;

/// <summary>A service as an external client sees it through reflection.</summary>
internal sealed record ReflectedService(string Name, IReadOnlyList<ReflectedMethod> Methods);

internal sealed record ReflectedMethod(string Name, string RequestType, string ResponseType, bool ClientStreaming, bool ServerStreaming);

/// <summary>A call that ended with a gRPC status other than OK.</summary>
internal sealed record GrpcCallError(int Code, string Name, string Details);

/// <summary>
/// An external, non-.NET client of a running service: <c>node tests/tools/grpc-client/reflect.js</c> (grpc-js and
/// grpc-js-reflection-client), which knows only the address and resolves every service, method and message through
/// server reflection. Requests and responses are proto3 JSON (lowerCamelCase names, enums by name, int64 as
/// strings, default values included). <c>make test-deps</c> installs its packages.
/// </summary>
internal sealed class GrpcReflectionClient(string address)
{
    private const string ClientDirectory = "tests/tools/grpc-client";

    private const string HowToInstall =
        "The external gRPC client needs Node.js (>= 18) and its npm packages: run `make test-deps` " +
        "(or: sudo apt-get install nodejs npm; cd tests/tools/grpc-client && npm ci)";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Address { get; } = address;

    /// <summary>A client of a service listening on the loopback address, as the test hosts do.</summary>
    public static GrpcReflectionClient ForPort(int port) =>
        new(string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}"));

    /// <summary>Every service the server lists, each with its methods resolved through reflection.</summary>
    public async Task<IReadOnlyList<ReflectedService>> ListAsync()
    {
        var result = await RunAsync(["list", Address]);
        AssertSucceeded(result);
        return JsonSerializer.Deserialize<ListOutput>(result.Stdout, Json)?.Services
            ?? throw new Xunit.Sdk.XunitException($"no services in the output of {result.Describe()}");
    }

    /// <summary>Calls <paramref name="method"/> (<c>package.Service/Method</c>, unary or server-streaming) with a
    /// JSON request; returns the response (an array of them for a stream) and fails on any non-OK status.</summary>
    public async Task<JsonElement> CallAsync(string method, string requestJson)
    {
        var result = await RunAsync(["call", Address, method, "-"], requestJson);
        AssertSucceeded(result);
        using var document = JsonDocument.Parse(result.Stdout);
        return document.RootElement.Clone();
    }

    /// <summary>Calls <paramref name="method"/> expecting the server to answer with an error status, and returns it.</summary>
    public async Task<GrpcCallError> CallExpectingErrorAsync(string method, string requestJson)
    {
        var result = await RunAsync(["call", Address, method, "-"], requestJson);
        Assert.True(result.ExitCode == 1, $"expected the call to end with an error status:{Environment.NewLine}{result.Describe()}");
        return JsonSerializer.Deserialize<ErrorOutput>(result.Stdout, Json)?.Error
            ?? throw new Xunit.Sdk.XunitException($"no error in the output of {result.Describe()}");
    }

    private static async Task<ProcessResult> RunAsync(IEnumerable<string> arguments, string? stdin = null)
    {
        var script = RepoPaths.InRepo(Path.Combine(ClientDirectory, "reflect.js"));
        var packages = RepoPaths.InRepo(Path.Combine(ClientDirectory, "node_modules"));
        if (!Directory.Exists(packages)) throw new Xunit.Sdk.XunitException($"{packages} is missing. {HowToInstall}");
        return await ExternalProcess.RunAsync("node", arguments.Prepend(script), HowToInstall, stdin);
    }

    private static void AssertSucceeded(ProcessResult result) =>
        Assert.True(result.ExitCode == 0, $"the external gRPC client failed:{Environment.NewLine}{result.Describe()}");

    private sealed record ListOutput(IReadOnlyList<ReflectedService> Services);

    private sealed record ErrorOutput(GrpcCallError Error);
}
