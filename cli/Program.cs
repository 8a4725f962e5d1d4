// The `pipeline` command: one sub-command per job. Each command lives in Commands/ and builds its own
// System.CommandLine definition; this file only lists them.
using System.CommandLine;
using Pipeline.Cli.Commands;

var root = new RootCommand("Pipeline: train LLM reasoners to think short yet correct, and evaluate them across token budgets.")
{
    RunCommand.Create(),
    ValidateCommand.Create(),
    ExplainCommand.Create(),
    VerifyCommand.Create(),
    ScoreCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
