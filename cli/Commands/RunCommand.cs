using System.CommandLine;
using Pipeline.Cli.Commands.Distributed;
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
        var distributed = new Option<bool>("--distributed")
        {
            Description = "Run the four services as separate processes over Kafka (a local broker unless --kafka is given); writes endpoints.json",
        };
        var kafka = new Option<string?>("--kafka") { Description = "With --distributed: bootstrap servers of an existing Kafka cluster" };
        var rollouts = new Option<int>("--rollouts") { Description = "With --distributed: rollout worker processes", DefaultValueFactory = _ => 1 };
        var restarts = new Option<int>("--restarts") { Description = "With --distributed: restarts allowed per service after it dies", DefaultValueFactory = _ => 3 };
        var threads = new Option<int>("--service-threads") { Description = "With --distributed: LibTorch threads per service process", DefaultValueFactory = _ => 1 };
        var stream = new Option<bool>("--stream-policies")
        {
            Description = "With --distributed: rollout and evaluator stream policy versions from Learner.GetPolicy instead of the shared run folder",
        };
        var command = new Command("run", "Run an experiment: in this process (embedded host), or as separate services with --distributed")
        {
            file, output, resume, distributed, kafka, rollouts, restarts, threads, stream,
        };
        command.SetAction((parse, cancellation) =>
        {
            var path = parse.GetValue(file)!;
            return parse.GetValue(distributed)
                ? RunDistributedAsync(path, parse.GetValue(output), parse.GetValue(resume),
                    new DistributedOptions(parse.GetValue(kafka), parse.GetValue(rollouts), parse.GetValue(restarts), parse.GetValue(threads),
                        parse.GetValue(stream)), cancellation)
                : RunAsync(path, parse.GetValue(output), parse.GetValue(resume), cancellation);
        });
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
        Finish(setup.Run);
        return 0;
    }

    private static async Task<int> RunDistributedAsync(string path, string? output, bool resume, DistributedOptions options, CancellationToken cancellation)
    {
        if (SpecFile.LoadOrReport(path, Console.Error) is not { } document) return 1;
        if (options.Rollouts < 1) throw new ArgumentException($"--rollouts: must be at least 1, got {options.Rollouts}");
        RunDirectory run;
        // The same pre-flight as the embedded host (model, data, prompt lengths, run folder) before any process starts.
        using (var setup = RunSetup.Prepare(document, await File.ReadAllTextAsync(path, cancellation), output, resume)) run = setup.Run;
        var observer = new ConsoleRunObserver(run.Log);
        observer.Message($"run folder: {run.Path}");
        var restarted = await new DistributedRun(document, run, options, observer).RunAsync(cancellation);
        if (restarted > 0) observer.Message($"services were restarted {restarted} times (see {Path.Combine(run.Path, "logs")})");
        Finish(run);
        return 0;
    }

    private static void Finish(RunDirectory run)
    {
        Console.WriteLine();
        Console.Write(SummaryTable.Render(RunFolder.ReadEvaluations(run.EvalPath)));
        Console.WriteLine($"metrics: {run.MetricsPath}");
        Console.WriteLine($"evaluations: {run.EvalPath}");
        Console.WriteLine($"report: {ReportWriter.Write([run.Path])}");
    }
}
