using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Pipeline.Cli.Commands.Distributed;

/// <summary>
/// One service as a child process: its output goes to <c>logs/&lt;name&gt;.log</c>, it reports its ports through a
/// ready file, and it is stopped with SIGTERM (a clean shutdown: consumers leave their groups, producers flush),
/// then SIGKILL if it does not exit in time.
/// </summary>
internal sealed partial class ServiceProcess(string name, string executable, IReadOnlyList<string> arguments, string runPath) : IDisposable
{
    private Process? _process;
    private StreamWriter? _log;

    public string Name { get; } = name;
    public string LogPath { get; } = Path.Combine(runPath, "logs", $"{name}.log");
    public string ReadyPath { get; } = Path.Combine(runPath, "services", $"{name}.ready.json");
    public int GrpcPort { get; private set; }
    public int MetricsPort { get; private set; }
    public int Restarts { get; private set; } = -1;
    public int ProcessId => _process?.Id ?? 0;
    public bool Exited => _process is null || _process.HasExited;
    public int ExitCode => _process?.ExitCode ?? 0;

    public void Start()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LogPath)!);
        Directory.CreateDirectory(Path.GetDirectoryName(ReadyPath)!);
        File.Delete(ReadyPath);
        _process?.Dispose();
        _log?.Dispose();
        _log = new StreamWriter(LogPath, append: true) { AutoFlush = true };
        var start = executable.EndsWith(".dll", StringComparison.Ordinal)
            ? new ProcessStartInfo("dotnet") { ArgumentList = { executable } }
            : new ProcessStartInfo(executable);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.ArgumentList.Add($"--Service:ReadyFile={ReadyPath}");
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.Environment["DOTNET_gcServer"] = "0";
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{Name}: could not start {executable}");
        _process.OutputDataReceived += (_, e) => Write(e.Data);
        _process.ErrorDataReceived += (_, e) => Write(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Restarts++;
        GrpcPort = MetricsPort = 0;
    }

    /// <summary>True once the service listens (its ready file exists); reads its ports.</summary>
    public bool PollReady()
    {
        if (GrpcPort != 0) return true;
        if (!File.Exists(ReadyPath)) return false;
        using var json = JsonDocument.Parse(File.ReadAllText(ReadyPath));
        GrpcPort = json.RootElement.GetProperty("grpc").GetInt32();
        MetricsPort = json.RootElement.GetProperty("metrics").GetInt32();
        return true;
    }

    /// <summary>The last lines of its log, for an error message.</summary>
    public string Tail(int lines = 15)
    {
        _log?.Flush();
        return File.Exists(LogPath) ? string.Join(Environment.NewLine, ReadShared(LogPath).TakeLast(lines).Select(l => "    " + l)) : "";
    }

    public async Task StopAsync(TimeSpan grace)
    {
        if (_process is null || _process.HasExited) return;
        _ = Kill(_process.Id, SigTerm);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        if (_process is { HasExited: false }) _process.Kill(entireProcessTree: true);
        _process?.Dispose();
        _log?.Dispose();
    }

    private void Write(string? line)
    {
        if (line is null) return;
        lock (this) _log?.WriteLine(line);
    }

    private static IEnumerable<string> ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }

    private const int SigTerm = 15;

    // .NET's Process.Kill only sends SIGKILL; a clean stop needs SIGTERM.
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
