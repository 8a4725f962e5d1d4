// `make bench` (or `dotnet run --project bench/Pipeline.Bench -c Release -- [--quick]`): measures this machine's
// matmul roofline and the model's prefill/decode throughput, writes bench/results/model-<utc>.json and rewrites
// the generated section of BENCHMARKS.md. Ratios measured in one run are what to compare across machines.
using System.Globalization;
using System.Text.Json;
using Pipeline.Bench;
using Pipeline.Model.Runtime;
using TorchSharp;

var quick = args.Contains("--quick");
var root = args.SkipWhile(a => a != "--root").Skip(1).FirstOrDefault() ?? Directory.GetCurrentDirectory();
TorchRuntime.EnsureLoaded();
torch.set_num_threads(Environment.ProcessorCount);
var machine = Machine.Describe();
Console.WriteLine($"machine: {machine}");

var matmul = MatmulBench.Run(quick);
foreach (var m in matmul) Console.WriteLine($"matmul {m.DType} {m.Size}³: {m.GFlops:F1} GFLOP/s");
var decode = DecodeBench.Run(newTokens: quick ? 32 : 256, promptTokens: 32, batches: [1, 64], recomputeBudgetSeconds: quick ? 10 : 120);
foreach (var d in decode) Console.WriteLine($"{d.Measure}, batch {d.Batch}: {d.TokensPerSecond:F0} tokens/s ({d.Note})");

var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
var resultsDir = Path.Combine(root, "bench", "results");
Directory.CreateDirectory(resultsDir);
var report = new { machine, quick, parameters = DecodeBench.Config.ParameterCount, matmul, decode };
var json = JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true });
var jsonPath = Path.Combine(resultsDir, $"model-{stamp}.json");
File.WriteAllText(jsonPath, json);
Console.WriteLine($"wrote {jsonPath}");
if (!quick)
{
    BenchmarksMarkdown.Update(Path.Combine(root, "BENCHMARKS.md"), machine, DecodeBench.Config.ParameterCount, matmul, decode, Path.GetFileName(jsonPath));
    Console.WriteLine("updated BENCHMARKS.md");
}
