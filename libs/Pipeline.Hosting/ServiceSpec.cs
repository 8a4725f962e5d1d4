using Microsoft.Extensions.Configuration;
using Pipeline.Core.Spec;

namespace Pipeline.Hosting;

/// <summary>
/// The experiment a service works for: <c>--spec FILE</c> (or <c>PIPELINE_spec</c>), loaded and validated with the
/// same loader as the CLI, so a bad spec stops the service before it listens, with every error listed.
/// </summary>
public static class ServiceSpec
{
    public static (ExperimentDocument Document, string Path) Load(IConfiguration configuration, string service)
    {
        var path = configuration["spec"];
        if (string.IsNullOrWhiteSpace(path)) throw new StartupException($"{service}: --spec FILE is required");
        var loaded = SpecLoader.LoadFile(path);
        if (!loaded.IsValid) throw new StartupException(new SpecException(path, loaded.Errors).Message);
        return (loaded.Document!, path);
    }

    /// <summary>The shared run folder (<c>--run-dir DIR</c>): checkpoints, policy versions, metrics, evaluations.</summary>
    public static string RunDirectory(IConfiguration configuration, string service) =>
        configuration["run-dir"] is { Length: > 0 } dir ? dir : throw new StartupException($"{service}: --run-dir DIR is required (the shared run folder)");
}

/// <summary>The service cannot start; the message says why and is meant for the operator.</summary>
public class StartupException(string message, Exception? inner = null) : Exception(message, inner);
