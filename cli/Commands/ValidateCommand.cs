using System.CommandLine;
using Pipeline.Core.Spec;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline validate FILE</c>: prints <c>ok</c> (exit 0) or every problem, one per line (exit 1). Checks an
/// Experiment, or an SFT recipe when the file's kind is <c>Sft</c>.
/// </summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Experiment (or kind: Sft recipe) YAML file" };
        var command = new Command("validate", "Check an experiment spec and report every problem at once") { file };
        command.SetAction(parse => Run(parse.GetValue(file)!));
        return command;
    }

    private static int Run(string path)
    {
        if (SftSpecLoader.IsSftFile(path))
        {
            var result = SftSpecLoader.LoadFile(path);
            foreach (var error in result.Errors) Console.WriteLine($"{path}: {error}");
            if (!result.IsValid) return 1;
        }
        else if (SpecFile.LoadOrReport(path, Console.Out) is null)
        {
            return 1;
        }
        Console.WriteLine("ok");
        return 0;
    }
}
