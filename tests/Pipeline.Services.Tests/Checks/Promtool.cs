namespace Pipeline.Services.Tests.Checks;

/// <summary>
/// <c>promtool check metrics</c> (from the Debian package <c>prometheus</c>): parses a text exposition and lints it
/// against Prometheus' naming conventions (HELP text, <c>_total</c> on counters, base units such as <c>_seconds</c>
/// and <c>_bytes</c>, no unit abbreviations, no camelCase, no type in the name). <c>make test-deps</c> installs it.
/// </summary>
internal static class Promtool
{
    /// <summary>Where scripts/test-deps.sh puts the binary it takes out of the Debian package.</summary>
    private const string LocalCopy = "tests/tools/bin/promtool";

    private const string HowToInstall =
        "promtool is needed for this check: run `make test-deps` (it takes promtool out of the Debian package " +
        "`prometheus` into tests/tools/bin/), or install it yourself: sudo apt-get install --no-install-recommends prometheus";

    /// <summary>promtool on PATH, else the copy test-deps extracted; fails saying how to install it when neither exists.</summary>
    public static string FindExecutable()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "promtool"))
            .FirstOrDefault(File.Exists);
        if (onPath is not null) return onPath;
        var local = RepoPaths.InRepo(LocalCopy);
        if (File.Exists(local)) return local;
        throw new Xunit.Sdk.XunitException($"promtool not found on PATH nor at {local}. {HowToInstall}");
    }

    /// <summary>Runs <c>promtool check metrics</c> on an exposition (its stdin).</summary>
    public static Task<ProcessResult> CheckMetricsAsync(string exposition) =>
        ExternalProcess.RunAsync(FindExecutable(), ["check", "metrics"], HowToInstall, stdin: exposition);

    /// <summary>Fails unless promtool accepts the exposition silently (exit 0, no lint output), showing promtool's
    /// complaints and the exposition otherwise.</summary>
    public static async Task AssertCleanAsync(string exposition)
    {
        var result = await CheckMetricsAsync(exposition);
        if (result.ExitCode != 0 || result.Stdout.Trim().Length > 0 || result.Stderr.Trim().Length > 0)
        {
            throw new Xunit.Sdk.XunitException(
                $"promtool check metrics rejected the exposition:{Environment.NewLine}{result.Describe()}" +
                $"{Environment.NewLine}--- exposition ---{Environment.NewLine}{exposition}");
        }
    }
}
