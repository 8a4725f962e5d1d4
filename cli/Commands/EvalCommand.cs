using System.CommandLine;
using System.Globalization;
using Pipeline.Core.Spec;
using Pipeline.Core.Tasks;
using Pipeline.Core.Verifiers;
using Pipeline.Model;
using Pipeline.Workers;
using Pipeline.Workers.Embedded;
using Pipeline.Workers.Evaluation;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline eval --model DIR --data SOURCE[,SOURCE…] [--budgets 16,32,…] [--samples K] [--mode truncate|force-answer]
/// [--temperature T] [--top-p P] [--seed N] [--size N] [--fields problem=F,answer=F] --out DIR</c>: the budget sweep of
/// <c>pipeline run</c>'s evaluator (the same BudgetEvaluator) on a model folder, without training. Writes
/// <c>DIR/results.json</c> (every metric per budget and every sample, see EvaluationResultsFile), and
/// <c>DIR/eval.jsonl</c> plus <c>DIR/eval/step-0-SET.json</c> as a run folder holds them, so whatever reads a run's
/// evaluations reads these too, including <c>pipeline report</c>: the folder gets its <c>report.html</c> (accuracy vs budget,
/// length distributions, the table); ends with a per-budget table.
/// </summary>
internal static class EvalCommand
{
    private sealed record Plan(string Model, IReadOnlyList<EvalDataset> Datasets, EvaluationOptions Options, Difficulty Difficulty,
        FieldsSpec Fields, int? Size, PromptTemplate Template, VerifierKind Verifier, bool SkipLongPrompts, string Output);

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "HF model folder", Required = true };
        var data = new Option<string[]>("--data")
        {
            Description = "Datasets: a .jsonl/.parquet file or synthetic:arith?split=test; comma-separated or repeated; NAME=SOURCE names one",
            Required = true,
        };
        var budgets = new Option<string>("--budgets") { Description = "Token budgets, strictly increasing", DefaultValueFactory = _ => "16,32,64,128,256" };
        var samples = new Option<int>("--samples") { Description = "Samples per problem (k of Mean@k and Pass@k)", DefaultValueFactory = _ => 8 };
        var mode = new Option<string>("--mode") { Description = "truncate or force-answer", DefaultValueFactory = _ => "truncate" };
        var temperature = new Option<float>("--temperature") { Description = "Sampling temperature (0 = greedy)", DefaultValueFactory = _ => 1f };
        var topP = new Option<float>("--top-p") { Description = "Nucleus threshold", DefaultValueFactory = _ => 1f };
        var seed = new Option<ulong>("--seed") { Description = "Fixes the samples", DefaultValueFactory = _ => 0UL };
        var size = new Option<int?>("--size") { Description = "At most this many problems per dataset (synthetic default: all, up to 10000)" };
        var difficulty = new Option<string>("--difficulty") { Description = "Synthetic sources: easy, medium, hard or mixed", DefaultValueFactory = _ => "easy" };
        var fields = new Option<string?>("--fields") { Description = "Field names of file sources, e.g. problem=question,answer=solution" };
        var template = new Option<string?>("--prompt-template") { Description = "Prompt template containing {problem} (default: the math template)" };
        var verifier = new Option<string>("--verifier") { Description = "math or exact", DefaultValueFactory = _ => "math" };
        var answerTokens = new Option<int>("--answer-tokens") { Description = "force-answer: limit of the forced answer", DefaultValueFactory = _ => ForcedAnswer.DefaultMaxTokens };
        var batch = new Option<int>("--batch") { Description = "Problems per generation batch (× samples rows)", DefaultValueFactory = _ => 32 };
        var threads = new Option<int?>("--threads") { Description = "LibTorch CPU threads (default: one per core)" };
        var skipLong = new Option<bool>("--skip-long-prompts")
        {
            Description = "Leave out problems whose prompt plus the largest budget exceed the model's context (listed in results.json) instead of stopping",
        };
        var output = new Option<string>("--out") { Description = "Output folder (must not hold an evaluation yet)", Required = true };
        var command = new Command("eval", "Evaluate a model at several token budgets (Mean@k, Pass@k, lengths, truncation)")
        {
            model, data, budgets, samples, mode, temperature, topP, seed, size, difficulty, fields, template, verifier, answerTokens, batch, threads, skipLong, output,
        };
        command.SetAction(parse =>
        {
            var errors = new List<string>();
            var datasets = EvalArguments.Datasets(parse.GetValue(data) ?? [], errors);
            var budgetList = EvalArguments.Budgets(parse.GetValue(budgets)!, errors);
            var fieldNames = EvalArguments.Fields(parse.GetValue(fields), errors);
            var modeValue = EvalArguments.Choice<EvaluationMode>("--mode", parse.GetValue(mode)!, errors);
            var difficultyValue = EvalArguments.Choice<Difficulty>("--difficulty", parse.GetValue(difficulty)!, errors);
            var verifierValue = EvalArguments.Choice<VerifierKind>("--verifier", parse.GetValue(verifier)!, errors);
            AtLeast(errors, "--samples", parse.GetValue(samples), 1);
            AtLeast(errors, "--answer-tokens", parse.GetValue(answerTokens), 1);
            AtLeast(errors, "--batch", parse.GetValue(batch), 1);
            if (parse.GetValue(size) is { } n) AtLeast(errors, "--size", n, 1);
            if (parse.GetValue(threads) is { } t) AtLeast(errors, "--threads", t, 1);
            if (!(parse.GetValue(temperature) >= 0)) errors.Add($"--temperature: must be ≥ 0, got {parse.GetValue(temperature).ToString(CultureInfo.InvariantCulture)}");
            if (!(parse.GetValue(topP) is > 0 and <= 1)) errors.Add($"--top-p: must lie in (0, 1], got {parse.GetValue(topP).ToString(CultureInfo.InvariantCulture)}");
            var templateText = parse.GetValue(template);
            if (templateText is not null && !templateText.Contains("{problem}", StringComparison.Ordinal)) errors.Add("--prompt-template: must contain {problem}");
            if (errors.Count > 0 || datasets is null || budgetList is null || fieldNames is null || modeValue is null || difficultyValue is null || verifierValue is null)
            {
                foreach (var error in errors) Console.Error.WriteLine($"error: {error}");
                return 2;
            }
            if (parse.GetValue(threads) is { } count) UseThreads(count);
            var options = new EvaluationOptions(budgetList, parse.GetValue(samples), parse.GetValue(temperature), parse.GetValue(topP), parse.GetValue(seed),
                modeValue.Value, parse.GetValue(batch), parse.GetValue(answerTokens));
            return Run(new Plan(parse.GetValue(model)!, datasets, options, difficultyValue.Value, fieldNames, parse.GetValue(size),
                templateText is null ? PromptTemplate.Math : new PromptTemplate(templateText), verifierValue.Value, parse.GetValue(skipLong),
                parse.GetValue(output)!));
        });
        return command;
    }

    private static int Run(Plan plan)
    {
        if (File.Exists(Path.Combine(plan.Output, "results.json")) || File.Exists(Path.Combine(plan.Output, "eval.jsonl")))
        {
            Console.Error.WriteLine($"error: {plan.Output} already holds an evaluation; choose another --out");
            return 1;
        }
        // Every dataset is read and checked before the model loads, so a bad row fails in seconds.
        var loaded = plan.Datasets.Select(d => (d, Data: ProblemSource.LoadDataset(d.Source, plan.Difficulty, plan.Fields, plan.Size, "."))).ToList();
        using var model = ModelFolder.Load(plan.Model);
        var prompting = new Prompting(model.Tokenizer, plan.Template);
        var fitting = loaded.Select(l => FittingProblems(model, prompting, l.d.Name, l.Data.Problems, plan)).ToList();

        var observer = new ConsoleRunObserver();
        var evaluator = new BudgetEvaluator(model.Model, prompting, model.EosTokenIds, VerifierRegistry.Create(plan.Verifier));
        var run = RunDirectory.ForEvaluation(plan.Output);
        var settings = new EvaluationSettings(plan.Model, EnumNames.Name(plan.Options.Mode), plan.Options.Budgets, plan.Options.Samples,
            plan.Options.Temperature, plan.Options.TopP, plan.Options.Seed,
            plan.Options.Mode == EvaluationMode.ForceAnswer ? plan.Options.ForcedAnswerTokens : null, EnumNames.Name(plan.Verifier));
        var done = new List<EvaluatedDataset>();
        foreach (var ((dataset, data), (problems, skipped)) in loaded.Zip(fitting))
        {
            if (data.RepairedRows > 0) observer.Message($"{dataset.Name}: repaired stray control characters in {data.RepairedRows} rows of {data.Path}");
            if (skipped.Count > 0)
                observer.Message($"{dataset.Name}: left out {skipped.Count} of {data.Problems.Count} problems whose prompts do not fit the model's context with the largest budget");
            observer.Phase($"{dataset.Name}: {problems.Count} problems × {plan.Options.Samples} samples, {settings.Mode}, budgets {string.Join(",", plan.Options.Budgets)}");
            var report = evaluator.Evaluate(dataset.Name, problems, plan.Options, new InlineProgress<int>(n => observer.ProgressEveryCall(n, problems.Count)));
            run.AppendEvaluation(step: 0, version: 0, report);
            done.Add(new EvaluatedDataset(dataset.Name, dataset.Source, data.RepairedRows, report) { SkippedProblems = skipped });
            EvaluationResultsFile.Write(Path.Combine(run.Path, "results.json"), settings, done);
            observer.Message(string.Create(CultureInfo.InvariantCulture,
                $"{dataset.Name}: {report.GeneratedTokens + report.ForcedAnswerTokens} tokens generated in {report.Seconds:F1} s"));
        }
        Console.WriteLine();
        Console.Write(EvalTable.Render(done));
        Console.WriteLine($"results: {Path.Combine(run.Path, "results.json")}");
        Console.WriteLine($"evaluations: {run.EvalPath}");
        Console.WriteLine($"report: {Pipeline.Reports.ReportWriter.Write([run.Path])}");
        return 0;
    }

    // As pipeline run checks its spec: a prompt plus the largest budget (plus the forced answer) must fit the model's
    // positions. A problem that does not stops the command, or with --skip-long-prompts is left out (and listed).
    private static (IReadOnlyList<Problem> Kept, IReadOnlyList<string> Skipped) FittingProblems(LoadedModel model, Prompting prompting, string name,
        IReadOnlyList<Problem> problems, Plan plan)
    {
        var options = plan.Options;
        var extra = options.Budgets[^1] + (options.Mode == EvaluationMode.ForceAnswer
            ? ForcedAnswer.For(model.Tokenizer).MaxSuffixTokens + options.ForcedAnswerTokens : 0);
        var limit = model.Config.MaxPositionEmbeddings;
        var lengths = problems.Select(p => prompting.Encode(p).Ids.Count).ToList();
        var tooLong = Enumerable.Range(0, problems.Count).Where(i => lengths[i] + extra > limit).ToList();
        if (tooLong.Count == 0 || plan.SkipLongPrompts)
            return (problems.Where((_, i) => lengths[i] + extra <= limit).ToList(), tooLong.Select(i => problems[i].Id).ToList());
        var first = tooLong[0];
        throw new InvalidDataException(
            $"{name}: problem '{problems[first].Id}' has a prompt of {lengths[first]} tokens; with {extra} more (the largest budget{(options.Mode == EvaluationMode.ForceAnswer ? " and the forced answer" : "")}) it exceeds the model's max_position_embeddings ({limit}), and so do {tooLong.Count - 1} other problems; use smaller budgets or --skip-long-prompts");
    }

    private static void AtLeast(List<string> errors, string option, int value, int minimum)
    {
        if (value < minimum) errors.Add($"{option}: must be ≥ {minimum}, got {value}");
    }

    private static void UseThreads(int threads)
    {
        Model.Runtime.TorchRuntime.EnsureLoaded();
        TorchSharp.torch.set_num_threads(threads);
    }
}

/// <summary>
/// Reports on the caller's thread. System.Progress posts each report to the thread pool, so lines could print out of
/// order or after the command has finished.
/// </summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
