using System.CommandLine;
using Pipeline.Core.Spec;
using Pipeline.Reports;
using Pipeline.Reports.Runs;
using Pipeline.Workers;
using Pipeline.Workers.Embedded;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline run SPEC [--out DIR] [--resume]</c>: runs an experiment in this process (the embedded host): filters
/// prompts, trains, evaluates at every budget, and writes the run folder; ends with the before/after table and the HTML report
/// (<c>report.html</c>, see <see cref="ReportWriter"/>).
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("spec") { Description = "Experiment YAML file" };
        var output = new Option<string?>("--out") { Description = "Run folder (default: runs/<metadata.name>)" };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in the folder from its last checkpoint" };
        var command = new Command("run", "Run an experiment in this process (embedded host)") { file, output, resume };
        command.SetAction((parse, cancellation) => RunAsync(parse.GetValue(file)!, parse.GetValue(output), parse.GetValue(resume), cancellation));
        return command;
    }

    private static async Task<int> RunAsync(string path, string? output, bool resume, CancellationToken cancellation)
    {
        if (SpecFile.LoadOrReport(path, Console.Error) is not { } document) return 1;
        using var setup = RunSetup.Prepare(document, await File.ReadAllTextAsync(path, cancellation), output, resume);
        var observer = new ConsoleRunObserver(setup.Run.Log);
        observer.Message($"run folder: {setup.Run.Path}");
        var experiment = new EmbeddedExperiment(setup, observer, (policy, spec) => new GrpoTrainer(policy, spec));
        await experiment.RunAsync(resume, cancellation);
        Console.WriteLine();
        Console.Write(SummaryTable.Render(RunFolder.ReadEvaluations(setup.Run.EvalPath)));
        Console.WriteLine($"metrics: {setup.Run.MetricsPath}");
        Console.WriteLine($"evaluations: {setup.Run.EvalPath}");
        Console.WriteLine($"report: {ReportWriter.Write([setup.Run.Path])}");
        return 0;
    }
}
