using System.CommandLine;
using System.Text.Json.Nodes;
using Pipeline.Core.IO;
using Pipeline.Core.Spec;
using Pipeline.Core.Verifiers;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline verify --input FILE.jsonl</c>: each line <c>{"output", "gold"}</c> comes back with every field kept
/// plus <c>"equal"</c> and <c>"extracted"</c>.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var input = new Option<string>("--input") { Description = "JSONL file of {\"output\": ..., \"gold\": ...} lines", Required = true };
        var output = new Option<string?>("--output") { Description = "Write results here instead of standard output" };
        var verifier = new Option<string>("--verifier") { Description = "math or exact", DefaultValueFactory = _ => "math" };
        var command = new Command("verify", "Judge model outputs against gold answers") { input, output, verifier };
        command.SetAction(parse =>
        {
            var name = parse.GetValue(verifier)!;
            if (!EnumNames.TryParse<VerifierKind>(name, out var kind))
            {
                Console.Error.WriteLine($"--verifier: unknown '{name}'; expected one of {string.Join(", ", EnumNames.All(typeof(VerifierKind)))}");
                return 2;
            }
            var judge = VerifierRegistry.Create(kind);
            return JsonlCommand.Run(parse.GetValue(input)!, parse.GetValue(output), row => Verify(judge, row));
        });
        return command;
    }

    private static JsonObject Verify(IVerifier judge, JsonObject row)
    {
        var verdict = judge.Verify(JsonLines.GetText(row, "output"), JsonLines.GetText(row, "gold"));
        var result = row.DeepClone().AsObject();
        result["equal"] = verdict.Correct;
        result["extracted"] = verdict.Extracted;
        return result;
    }
}
