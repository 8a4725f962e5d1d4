using System.Globalization;
using System.Net;

namespace Pipeline.Hosting;

/// <summary>
/// Where a service listens. Bound from the <c>Service</c> configuration section: appsettings, command line
/// (<c>--Service:GrpcPort=5001</c>) or environment (<c>Service__GrpcPort=5001</c>).
/// </summary>
public sealed class ServiceHostOptions
{
    public const string Section = "Service";

    /// <summary>Address both ports bind to; loopback unless a deployment opens it up (e.g. 0.0.0.0 in a container).</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>The gRPC port (HTTP/2 cleartext). 0: the system picks a free one, reported once started.</summary>
    public int GrpcPort { get; set; }

    /// <summary>The HTTP/1 port that serves <c>/metrics</c>. 0: the system picks a free one.</summary>
    public int MetricsPort { get; set; }

    /// <summary>
    /// Written once both ports listen: <c>{"grpc": PORT, "metrics": PORT, "pid": PID}</c>, so a launcher that asked
    /// for port 0 learns the ports (written to a temporary name and renamed: never seen half-written).
    /// </summary>
    public string? ReadyFile { get; set; }

    public const string JsonLogs = "json";

    /// <summary>How logs are written to standard output: <c>simple</c> (readable) or <c>json</c> (one object per line).</summary>
    public string LogFormat { get; set; } = "simple";

    /// <summary>Every problem with the options, one line each, naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!IPAddress.TryParse(BindAddress, out _))
            errors.Add($"{Section}:BindAddress: '{BindAddress}' is not an IP address");
        if (LogFormat is not ("simple" or JsonLogs))
            errors.Add($"{Section}:LogFormat: '{LogFormat}' is not simple or json");
        CheckPort(errors, nameof(GrpcPort), GrpcPort);
        CheckPort(errors, nameof(MetricsPort), MetricsPort);
        // Two fixed equal ports would make Kestrel fail with a less clear "address in use".
        if (GrpcPort != 0 && GrpcPort == MetricsPort)
            errors.Add($"{Section}:MetricsPort: must differ from {Section}:GrpcPort ({GrpcPort.ToString(CultureInfo.InvariantCulture)})");
        return errors;
    }

    private static void CheckPort(List<string> errors, string name, int port)
    {
        if (port is < 0 or > 65535)
            errors.Add($"{Section}:{name}: {port.ToString(CultureInfo.InvariantCulture)} is not a port (0-65535; 0 picks a free one)");
    }
}

/// <summary>The host's options are invalid; the message lists every problem.</summary>
public sealed class ServiceHostOptionsException(IReadOnlyList<string> errors)
    : StartupException("invalid service options:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
