// `make bench` (or `dotnet run --project bench/Pipeline.Bench -c Release -- [--quick] [--only model|eval]`): measures
// this machine's matmul roofline and the model's prefill/decode throughput (bench/results/model-<utc>.json), then the
// cost of the budget sweep and of force-answer evaluation (bench/results/eval-<utc>.json), and rewrites the generated
// sections of BENCHMARKS.md. Ratios measured in one run are what to compare across machines.
using System.Globalization;
using System.Text.Json;
using Pipeline.Bench;
using Pipeline.Model.Runtime;
using TorchSharp;

var quick = args.Contains("--quick");
var root = args.SkipWhile(a => a != "--root").Skip(1).FirstOrDefault() ?? Directory.GetCurrentDirectory();
var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
TorchRuntime.EnsureLoaded();
torch.set_num_threads(Environment.ProcessorCount);
var machine = Machine.Describe();
Console.WriteLine($"machine: {machine}");
var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
var resultsDir = Path.Combine(root, "bench", "results");
Directory.CreateDirectory(resultsDir);
var indented = new JsonSerializerOptions { WriteIndented = true };
if (only is null or "model") RunModelBench();
if (only is null or "eval") RunEvalBench();

void RunModelBench()
{

    var matmul = MatmulBench.Run(quick);
    foreach (var m in matmul) Console.WriteLine($"matmul {m.DType} {m.Size}³: {m.GFlops:F1} GFLOP/s");
    var decode = DecodeBench.Run(newTokens: quick ? 32 : 256, promptTokens: 32, batches: [1, 64], recomputeBudgetSeconds: quick ? 10 : 120);
    foreach (var d in decode) Console.WriteLine($"{d.Measure}, batch {d.Batch}: {d.TokensPerSecond:F0} tokens/s ({d.Note})");

    var report = new { machine, quick, parameters = DecodeBench.Config.ParameterCount, matmul, decode };
    var jsonPath = Path.Combine(resultsDir, $"model-{stamp}.json");
    File.WriteAllText(jsonPath, JsonSerializer.Serialize(report, indented));
    Console.WriteLine($"wrote {jsonPath}");
    if (quick) return;
    BenchmarksMarkdown.Update(Path.Combine(root, "BENCHMARKS.md"), machine, DecodeBench.Config.ParameterCount, matmul, decode, Path.GetFileName(jsonPath));
    Console.WriteLine("updated BENCHMARKS.md");
}

void RunEvalBench()
{
    var eval = EvalBench.Run(root, problems: quick ? 8 : 64, samples: quick ? 2 : 4, repeats: quick ? 1 : 3);
    foreach (var r in eval.Results) Console.WriteLine($"{r.Measure}: {r.Seconds:F2} CPU s, {r.WallSeconds:F2} s wall ({r.Note})");
    Console.WriteLine($"sweep / one pass: {eval.SweepOverOnePass:F3}; per-budget generation / one pass: {eval.PerBudgetOverOnePass:F2}; force-answer / truncate sweep: {eval.ForceOverTruncate:F2}");
    var jsonPath = Path.Combine(resultsDir, $"eval-{stamp}.json");
    File.WriteAllText(jsonPath, JsonSerializer.Serialize(new { machine, quick, budgets = EvalBench.Budgets, eval }, indented));
    Console.WriteLine($"wrote {jsonPath}");
    if (quick) return;
    BenchmarksMarkdown.UpdateEval(Path.Combine(root, "BENCHMARKS.md"), machine, eval, Path.GetFileName(jsonPath));
    Console.WriteLine("updated BENCHMARKS.md");
}
