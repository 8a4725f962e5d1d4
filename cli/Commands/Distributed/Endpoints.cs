using System.Text.Json;

namespace Pipeline.Cli.Commands.Distributed;

/// <summary>
/// <c>endpoints.json</c> in the run folder: where the broker and each service listen, rewritten whenever a service
/// restarts on new ports, so operators and tests can reach them:
/// <c>{"kafka": "host:port,…", "services": [{"name", "grpc", "metrics", "pid"}, …]}</c>.
/// </summary>
internal static class Endpoints
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Write(string runPath, string kafka, IEnumerable<ServiceProcess> services)
    {
        var path = Path.Combine(runPath, "endpoints.json");
        var document = new
        {
            kafka,
            services = services.Select(s => new
            {
                name = s.Name, grpc = $"127.0.0.1:{s.GrpcPort}", metrics = $"http://127.0.0.1:{s.MetricsPort}/metrics",
                pid = s.ProcessId, restarts = s.Restarts,
            }),
        };
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(document, Indented));
        File.Move(temporary, path, overwrite: true);
        return path;
    }
}
