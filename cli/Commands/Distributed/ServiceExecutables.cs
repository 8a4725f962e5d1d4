namespace Pipeline.Cli.Commands.Distributed;

/// <summary>
/// Finds a service's program: <c>$PIPELINE_SERVICES_DIR</c>, then beside this CLI (where <c>make build</c> publishes
/// them), then the build output of a source checkout this CLI runs from (tests).
/// </summary>
internal static class ServiceExecutables
{
    public static string Find(string service, string configuration = "Release")
    {
        var name = $"pipeline-{service}";
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("PIPELINE_SERVICES_DIR") is { Length: > 0 } dir) candidates.Add(dir);
        candidates.Add(AppContext.BaseDirectory);
        if (RepositoryRoot() is { } root)
            candidates.Add(Path.Combine(root, "services", service, "bin", configuration, "net10.0", "linux-x64"));
        foreach (var folder in candidates)
        {
            var apphost = Path.Combine(folder, name);
            if (File.Exists(apphost)) return apphost;
            if (File.Exists(apphost + ".dll")) return apphost + ".dll";
        }
        throw new FileNotFoundException(
            $"{name}: not found in {string.Join(", ", candidates)}; run `make build` (it publishes the services into bin/) or set PIPELINE_SERVICES_DIR");
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln"))) return dir.FullName;
        return null;
    }
}
