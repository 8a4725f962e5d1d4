using System.Diagnostics;
using System.Text;

namespace Pipeline.Chart.Tests;

/// <summary>What an external tool printed and returned.</summary>
internal sealed record ToolResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public string Describe() =>
        $"$ {Command}{Environment.NewLine}exit {ExitCode}{Environment.NewLine}--- stderr ---{Environment.NewLine}{Stderr}" +
        $"{Environment.NewLine}--- stdout (first 4000 chars) ---{Environment.NewLine}{(Stdout.Length > 4000 ? Stdout[..4000] : Stdout)}";
}

/// <summary>
/// The two offline tools the chart tests drive: tests/tools/bin/helm-render (Go, renders the chart like
/// `helm template --include-crds`) and tests/tools/k8s-validate (Node, validates manifests against the Kubernetes
/// OpenAPI schemas and the Experiment CRD). <c>make test-deps</c> builds and installs both; a missing one fails the
/// test saying so, never skips it.
/// </summary>
internal static class Tools
{
    public const string HowToInstall =
        "run `make test-deps` (it builds tests/tools/bin/helm-render with Debian's golang-go, sprig and yaml.v3 packages, " +
        "and runs `npm ci` in tests/tools/k8s-validate; Node.js >= 18 is needed)";

    public static string Chart => RepoPaths.InRepo("charts/pipeline");

    public static string CrdPath => RepoPaths.InRepo("charts/pipeline/crds/experiments.pipeline.efficient-reasoning.dev.yaml");

    public static ToolResult HelmRender(params string[] arguments) => HelmRenderChart(Chart, arguments);

    public static ToolResult HelmRenderChart(string chart, params string[] arguments)
    {
        var binary = RepoPaths.InRepo("tests/tools/bin/helm-render");
        if (!File.Exists(binary)) throw new Xunit.Sdk.XunitException($"{binary} is missing: {HowToInstall}");
        return Run(binary, [chart, .. arguments]);
    }

    /// <summary>Validates files (or, with <paramref name="stdin"/>, the text given as "-").</summary>
    public static ToolResult Validate(IEnumerable<string> arguments, string? stdin = null)
    {
        var dir = RepoPaths.InRepo("tests/tools/k8s-validate");
        if (!Directory.Exists(Path.Combine(dir, "node_modules")))
            throw new Xunit.Sdk.XunitException($"{dir}/node_modules is missing: {HowToInstall}");
        return Run("node", [Path.Combine(dir, "validate.mjs"), .. arguments], stdin);
    }

    /// <summary>The CRD path, failing with a clear message until the generated CRD is committed.</summary>
    public static string RequireCrd()
    {
        if (!File.Exists(CrdPath))
            throw new Xunit.Sdk.XunitException(
                $"{CrdPath} is missing: the Experiment CRD is generated from the C# spec and committed there (merge main)");
        return CrdPath;
    }

    private static ToolResult Run(string file, IReadOnlyList<string> arguments, string? stdin = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        var command = $"{file} {string.Join(' ', arguments)}";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Xunit.Sdk.XunitException($"could not start {command}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new Xunit.Sdk.XunitException($"could not start {file} ({e.Message}): {HowToInstall}");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (stdin is not null)
            {
                process.StandardInput.Write(stdin);
                process.StandardInput.Close();
            }
            if (!process.WaitForExit(60_000))
            {
                process.Kill(entireProcessTree: true);
                throw new Xunit.Sdk.XunitException($"{command} did not finish within 60 s");
            }
            return new ToolResult(command, process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
