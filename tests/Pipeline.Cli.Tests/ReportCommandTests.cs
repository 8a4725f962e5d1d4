namespace Pipeline.Cli.Tests;

public sealed class ReportCommandTests : IDisposable
{
    private readonly string _run = SyntheticRunFolder.Create("cli-a");
    private readonly string _other = SyntheticRunFolder.Create("cli-b", steps: 30);

    public void Dispose()
    {
        Directory.Delete(_run, recursive: true);
        Directory.Delete(_other, recursive: true);
    }

    [Fact]
    public void Report_OneRun_WritesReportHtmlInTheRunFolder()
    {
        var result = CliRunner.Run("report", _run);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"report: {Path.Combine(_run, "report.html")}", Assert.Single(result.StdoutLines));
        Assert.True(File.Exists(Path.Combine(_run, "report", "length.png")));
    }

    [Fact]
    public void Report_TwoRunsWithOut_WritesTheComparisonThere()
    {
        var output = Path.Combine(_other, "both.html");

        var result = CliRunner.Run("report", _run, _other, "--out", output);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("<h1>Comparison: cli-a vs cli-b</h1>", File.ReadAllText(output), StringComparison.Ordinal);
    }

    [Fact]
    public void Report_MalformedMetricsLine_IsOneLineNamingFileAndLine()
    {
        var metrics = Path.Combine(_run, "metrics.jsonl");
        File.AppendAllText(metrics, "not json\n");

        var result = CliRunner.Run("report", _run);

        Assert.Equal(1, result.ExitCode);
        var error = Assert.Single(result.StderrLines);
        Assert.StartsWith($"error: {metrics}:41: invalid JSON", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_MissingFolder_SaysSo()
    {
        var result = CliRunner.Run("report", _run + "-missing");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: run folder not found: {_run}-missing", Assert.Single(result.StderrLines));
    }
}
