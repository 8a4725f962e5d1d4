using System.CommandLine;
using Pipeline.Core.Spec;

namespace Pipeline.Cli.Commands;

/// <summary><c>pipeline explain [PATH]</c>: the spec's fields with types, defaults and meaning (like kubectl explain).</summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "Field path such as spec.reward.shaping (default: everything)", DefaultValueFactory = _ => "" };
        var markdown = new Option<bool>("--markdown") { Description = "Print the whole reference as a Markdown table (docs/experiment-spec.md)" };
        var command = new Command("explain", "Describe the fields of the experiment spec") { path, markdown };
        command.SetAction(parse =>
        {
            if (parse.GetValue(markdown))
            {
                Console.Write(SpecReference.ToMarkdown());
                return 0;
            }
            var prefix = parse.GetValue(path)!;
            var fields = SpecReference.Under(prefix);
            if (fields.Count == 0)
            {
                var hint = EnumNames.Suggest(prefix, SpecReference.Fields.Select(f => f.Path));
                Console.Error.WriteLine($"no field '{prefix}' in the spec{(hint is null ? "" : $"; did you mean '{hint}'?")}");
                return 1;
            }
            foreach (var f in fields) Console.WriteLine($"{f.Path} <{f.Type}>\n    {f.Description}\n");
            return 0;
        });
        return command;
    }
}
