using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Pipeline.Core.Spec;
using Pipeline.Model;
using Pipeline.Model.Sft;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline sft SPEC [--eval-only] [--no-eval]</c>: trains a small Qwen3 reasoner from scratch on verbose
/// chain-of-thought solutions of the synthetic task (a <c>kind: Sft</c> recipe), writes the HF folder, prints a
/// summary, then evaluates the saved folder (sampled and greedy accuracy, lengths, truncation per budget and
/// difficulty; the easy pass-rate distribution) and writes it to <c>sft_eval.json</c> in the folder.
/// </summary>
internal static class SftCommand
{
    public const string EvalFile = "sft_eval.json";

    public static Command Create()
    {
        var file = new Argument<string>("spec") { Description = "SFT recipe YAML (kind: Sft), e.g. examples/sft-tiny-reasoner.yaml" };
        var evalOnly = new Option<bool>("--eval-only") { Description = "Skip training; evaluate the recipe's existing output folder" };
        var noEval = new Option<bool>("--no-eval") { Description = "Skip the final evaluation" };
        var command = new Command("sft", "Train the tiny reasoner from scratch (supervised, verbose chains of thought) and evaluate it") { file, evalOnly, noEval };
        command.SetAction(parse => Run(parse.GetValue(file)!, parse.GetValue(evalOnly), parse.GetValue(noEval)));
        return command;
    }

    private static int Run(string path, bool evalOnly, bool noEval)
    {
        var loaded = SftSpecLoader.LoadFile(path);
        foreach (var error in loaded.Errors) Console.Error.WriteLine($"{path}: {error}");
        if (!loaded.IsValid) return 1;
        var spec = loaded.Document!.Spec;
        if (!evalOnly)
        {
            var summary = SftRecipe.Run(spec, SftProgress.ForConsole(spec.Optimizer.Steps));
            PrintSummary(summary, spec);
        }
        if (noEval || spec.Evaluation.Final is not { } final) return 0;
        SftRecipe.UseThreads(spec.Threads);
        using var model = ModelFolder.Load(spec.Output.Path);
        var report = SftReport.Evaluate(model, final, spec.Seed);
        Console.WriteLine();
        Console.Write(report.ToTable());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"evaluation took {report.Elapsed.TotalMinutes:F1} min"));
        File.WriteAllText(Path.Combine(spec.Output.Path, EvalFile), report.ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    private static void PrintSummary(SftSummary summary, SftSpec spec)
    {
        var size = Directory.GetFiles(summary.Folder).Sum(f => new FileInfo(f).Length);
        var accuracy = summary.GreedyAccuracy is { } a ? a.ToString("P1", CultureInfo.InvariantCulture) : "not measured";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""

            wrote {summary.Folder} ({size / 1e6:F1} MB, weights as {EnumNames.Name(spec.Output.Dtype)})
              parameters      {summary.Parameters:N0} (vocabulary {summary.VocabSize})
              steps           {summary.Steps} × batch {spec.Optimizer.BatchSize}, {summary.Elapsed.TotalMinutes:F1} min, seed {spec.Seed}
              final loss      {summary.FinalLoss:F4}
              greedy (easy)   {accuracy}
              padding         {summary.PaddingFraction:P1} of computed positions
              skipped steps   {summary.SkippedSteps}
            """));
    }
}
