using System.CommandLine;
namespace Pipeline.Cli.Commands;

/// <summary><c>pipeline validate FILE</c>: prints <c>ok</c> (exit 0) or every problem, one per line (exit 1).</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Experiment YAML file" };
        var command = new Command("validate", "Check an experiment spec and report every problem at once") { file };
        command.SetAction(parse => Run(parse.GetValue(file)!));
        return command;
    }

    private static int Run(string path)
    {
        if (SpecFile.LoadOrReport(path, Console.Out) is null) return 1;
        Console.WriteLine("ok");
        return 0;
    }
}
