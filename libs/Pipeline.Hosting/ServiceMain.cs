namespace Pipeline.Hosting;

/// <summary>The <c>Main</c> every service shares: start, say where it listens, wait; exit 2 when it cannot start.</summary>
public static class ServiceMain
{
    public static async Task<int> RunAsync(string service, string[] args, Func<string[], Task<RunningServiceHost>> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        try
        {
            await using var host = await start(args).ConfigureAwait(false);
            Console.WriteLine(FormattableString.Invariant($"{service}: gRPC on port {host.GrpcPort}, metrics on port {host.MetricsPort}"));
            await host.WaitForShutdownAsync().ConfigureAwait(false);
            return Environment.ExitCode;
        }
        catch (StartupException e)
        {
            await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
            return 2;
        }
    }
}
