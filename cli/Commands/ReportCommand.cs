using System.CommandLine;
using Pipeline.Reports;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline report RUN_DIR [RUN_DIR ...] [--out FILE]</c>: writes the HTML report of one run (default
/// <c>RUN_DIR/report.html</c>) or a comparison of several (default: the first run's <c>compare.html</c>), with the
/// plots also saved as PNG files beside it, and prints the page's path.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var runs = new Argument<string[]>("run") { Description = "Run folder(s) written by `pipeline run`", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out") { Description = "HTML file to write (default: RUN_DIR/report.html; several runs: the first run's compare.html)" };
        var command = new Command("report", "Write an HTML report of a run, or compare several runs") { runs, output };
        command.SetAction(parse => Run(parse.GetValue(runs)!, parse.GetValue(output)));
        return command;
    }

    private static int Run(string[] runs, string? output)
    {
        Console.WriteLine($"report: {ReportWriter.Write(runs, output)}");
        return 0;
    }
}
