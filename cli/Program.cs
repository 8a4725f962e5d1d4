// The `pipeline` command: one sub-command per job. Each command lives in Commands/ and builds its own
// System.CommandLine definition; this file only lists them and turns user errors into one clear line.
using System.CommandLine;
using Pipeline.Cli.Commands;

var root = new RootCommand("Pipeline: train LLM reasoners to think short yet correct, and evaluate them across token budgets.")
{
    RunCommand.Create(),
    ReportCommand.Create(),
    ValidateCommand.Create(),
    ExplainCommand.Create(),
    VerifyCommand.Create(),
    ScoreCommand.Create(),
    LogprobsCommand.Create(),
    GenerateCommand.Create(),
    EvalCommand.Create(),
    SftCommand.Create(),
};
var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
try
{
    return await root.Parse(args).InvokeAsync(configuration);
}
catch (Exception e) when (UserErrors.IsUserError(e))
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
