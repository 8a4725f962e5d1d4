using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Core.IO;

namespace Pipeline.Cli.Commands;

/// <summary>
/// Shared shape of the JSONL-in, JSONL-out commands (verify, score): one output line per input line, in order.
/// A malformed line is reported on stderr as <c>file:line: reason</c> and gets an <c>{"line", "error"}</c> output
/// line, so outputs stay aligned with inputs and nothing is silently dropped; the exit code is then 1.
/// </summary>
internal static class JsonlCommand
{
    private static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static int Run(string inputPath, string? outputPath, Func<JsonObject, JsonObject> transform)
    {
        if (!File.Exists(inputPath))
        {
            Console.Error.WriteLine($"{inputPath}: no such file");
            return 2;
        }
        using var reader = new StreamReader(inputPath);
        using var writer = outputPath is null ? Console.Out : new StreamWriter(outputPath);
        var failures = 0;
        foreach (var line in JsonLines.Read(reader))
        {
            var result = line.Value is null ? Fail(inputPath, line.Number, line.Error!) : TryTransform(inputPath, line, transform);
            failures += result.ContainsKey("error") ? 1 : 0;
            writer.WriteLine(result.ToJsonString(Compact));
        }
        if (failures > 0) Console.Error.WriteLine($"{inputPath}: {failures} line(s) could not be processed");
        return failures == 0 ? 0 : 1;
    }

    private static JsonObject TryTransform(string path, JsonLine line, Func<JsonObject, JsonObject> transform)
    {
        try
        {
            return transform(line.Value!);
        }
        catch (FormatException e)
        {
            return Fail(path, line.Number, e.Message);
        }
    }

    private static JsonObject Fail(string path, int number, string reason)
    {
        Console.Error.WriteLine($"{path}:{number}: {reason}");
        return new JsonObject { ["line"] = number, ["error"] = reason };
    }
}
