using System.ComponentModel;
using System.Diagnostics;

namespace Pipeline.Services.Tests.Checks;

/// <summary>What a finished external tool left: its exit code and everything it wrote.</summary>
internal sealed record ProcessResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The command and its output, for a failure message.</summary>
    public string Describe() =>
        $"{Command}{Environment.NewLine}exit code {ExitCode}{Environment.NewLine}" +
        $"--- stdout ---{Environment.NewLine}{Stdout}{Environment.NewLine}--- stderr ---{Environment.NewLine}{Stderr}";
}

/// <summary>Runs an external tool (promtool, node) to completion with a deadline, feeding it optional stdin.</summary>
internal static class ExternalProcess
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Runs <paramref name="file"/>; a tool that cannot be started fails with <paramref name="whenMissing"/>
    /// (how to install it), one still running at the deadline is killed and fails with what it wrote so far.</summary>
    public static async Task<ProcessResult> RunAsync(
        string file, IEnumerable<string> arguments, string whenMissing, string? stdin = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        var command = string.Join(' ', start.ArgumentList.Prepend(file));

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Xunit.Sdk.XunitException($"could not start {command}. {whenMissing}");
        }
        catch (Win32Exception e)
        {
            throw new Xunit.Sdk.XunitException($"could not start {command}: {e.Message}. {whenMissing}");
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin);
                process.StandardInput.Close();
            }
            using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                throw new Xunit.Sdk.XunitException(
                    $"{command} still ran after {(timeout ?? DefaultTimeout).TotalSeconds:0}s and was killed{Environment.NewLine}" +
                    $"--- stdout ---{Environment.NewLine}{await stdout}{Environment.NewLine}--- stderr ---{Environment.NewLine}{await stderr}");
            }
            return new ProcessResult(command, process.ExitCode, await stdout, await stderr);
        }
    }
}
