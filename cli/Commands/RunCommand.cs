using System.CommandLine;
namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline run SPEC</c>: runs an experiment embedded. The learner is not built yet, so today it validates the
/// spec and says plainly that training is not implemented (exit 3); it never pretends to train.
/// </summary>
internal static class RunCommand
{
    public const int NotImplementedExitCode = 3;

    public static Command Create()
    {
        var file = new Argument<string>("spec") { Description = "Experiment YAML file" };
        var command = new Command("run", "Run an experiment in this process (embedded host)") { file };
        command.SetAction(parse => Run(parse.GetValue(file)!));
        return command;
    }

    private static int Run(string path)
    {
        if (SpecFile.LoadOrReport(path, Console.Error) is null) return 1;
        Console.Error.WriteLine($"{path}: spec ok, but training is not implemented yet (the learner arrives with the RL-loop issue).");
        return NotImplementedExitCode;
    }
}
