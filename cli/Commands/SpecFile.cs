using Pipeline.Core.Spec;

namespace Pipeline.Cli.Commands;

/// <summary>Loads a spec for a command, printing every problem as <c>file: path: message</c> when it is invalid.</summary>
internal static class SpecFile
{
    public static ExperimentDocument? LoadOrReport(string path, TextWriter errors)
    {
        var result = SpecLoader.LoadFile(path);
        foreach (var error in result.Errors) errors.WriteLine($"{path}: {error}");
        return result.IsValid ? result.Document : null;
    }
}
