using Pipeline.Core.Evaluation;
using Pipeline.Core.Spec;
using Pipeline.Core.Tasks;
using Pipeline.Core.Verifiers;
using Pipeline.Model;
using Pipeline.Workers;
using Pipeline.Workers.Evaluation;

namespace Pipeline.Bench;

/// <summary>
/// What the budget sweep costs, on the shipped tiny-reasoner and easy synthetic test problems (BudgetEvaluator, the
/// code <c>pipeline eval</c> and <c>pipeline run</c> use): a truncate sweep over five budgets against one sampling pass
/// at the largest budget alone (the sweep's promise: ≈ 1×), against generating once per budget (what the sweep
/// saves), and a force-answer sweep against the truncate sweep (the mode's extra short generations). The one pass and
/// the sweep are timed alternately, several times, and compared by their medians, so load on a shared machine falls
/// on both alike. Timed in process CPU seconds with one LibTorch thread (wall seconds are reported beside): on a
/// shared machine the wall time measures the neighbours, and OpenMP threads that spin while waiting for a busy core
/// would charge that wait to the CPU time too.
/// </summary>
internal static class EvalBench
{
    /// <param name="Seconds">Process CPU seconds (the compared measure).</param>
    /// <param name="WallSeconds">Wall-clock seconds.</param>
    public sealed record Result(string Measure, int Problems, int Samples, string Budgets, double Seconds, double WallSeconds, long Tokens, string Note);

    public sealed record Summary(IReadOnlyList<Result> Results, double SweepOverOnePass, double PerBudgetOverOnePass, double ForceOverTruncate,
        double ScoringSeconds, double ForcedRowsPerBudget);

    public static readonly int[] Budgets = [16, 32, 64, 128, 256];

    public static Summary Run(string root, int problems, int samples, int repeats)
    {
        var threads = TorchSharp.torch.get_num_threads();
        TorchSharp.torch.set_num_threads(1);
        try
        {
            return Measure(root, problems, samples, repeats);
        }
        finally
        {
            TorchSharp.torch.set_num_threads(threads);
        }
    }

    private static Summary Measure(string root, int problems, int samples, int repeats)
    {
        using var model = ModelFolder.Load(Path.Combine(root, "models", "tiny-reasoner"));
        var evaluator = new BudgetEvaluator(model.Model, new Prompting(model.Tokenizer, PromptTemplate.Math), model.EosTokenIds,
            VerifierRegistry.Create(VerifierKind.Math));
        var set = ProblemSource.Load("synthetic:arith?split=test", Difficulty.Easy, new FieldsSpec(), problems, root);
        var sweep = new EvaluationOptions(Budgets, samples, Temperature: 1, TopP: 1, Seed: 1);
        var onePass = sweep with { Budgets = [Budgets[^1]] };
        evaluator.Evaluate("warm-up", set, sweep with { Mode = EvaluationMode.ForceAnswer }); // JIT, allocator and caches at full size

        var (passTimes, sweepTimes) = (new List<(double Wall, double Cpu)>(), new List<(double Wall, double Cpu)>());
        EvaluationReport? sweepReport = null, passReport = null;
        for (var r = 0; r < repeats; r++)
        {
            passTimes.Add(Stopwatches.WallAndCpu(() => passReport = evaluator.Evaluate("one-pass", set, onePass)));
            sweepTimes.Add(Stopwatches.WallAndCpu(() => sweepReport = evaluator.Evaluate("sweep", set, sweep)));
        }
        var perBudget = Budgets.Select(b => Stopwatches.WallAndCpu(() => evaluator.Evaluate("per-budget", set, sweep with { Budgets = [b] }))).ToList();
        EvaluationReport? forcedReport = null;
        var forced = Stopwatches.WallAndCpu(() => forcedReport = evaluator.Evaluate("force-answer", set, sweep with { Mode = EvaluationMode.ForceAnswer }));
        var scoring = Stopwatches.Median(5, () => Score(sweepReport!));

        var (pass, sweepMedian) = ((Median(passTimes, t => t.Cpu), Median(passTimes, t => t.Wall)), (Median(sweepTimes, t => t.Cpu), Median(sweepTimes, t => t.Wall)));
        var separate = (Cpu: perBudget.Sum(t => t.Cpu), Wall: perBudget.Sum(t => t.Wall));
        var forcedRows = sweepReport!.Budgets.Sum(b => b.TruncationRate ?? 0) * problems * samples / Budgets.Length;
        string budgets = string.Join(",", Budgets), top = Budgets[^1].ToString(System.Globalization.CultureInfo.InvariantCulture);
        var results = new List<Result>
        {
            new("one pass at the largest budget", problems, samples, top, pass.Item1, pass.Item2, passReport!.GeneratedTokens, $"median of {repeats}"),
            new("truncate sweep (one pass + scoring)", problems, samples, budgets, sweepMedian.Item1, sweepMedian.Item2, sweepReport.GeneratedTokens,
                $"median of {repeats}, alternating with the one pass"),
            new("a separate generation per budget", problems, samples, budgets, separate.Cpu, separate.Wall, 0, "what the sweep replaces; sum of 5 runs"),
            new("force-answer sweep", problems, samples, budgets, forced.Cpu, forced.Wall, forcedReport!.GeneratedTokens + forcedReport.ForcedAnswerTokens,
                $"{forcedReport.ForcedAnswerTokens} of the tokens are forced answers"),
        };
        return new Summary(results, sweepMedian.Item1 / pass.Item1, separate.Cpu / pass.Item1, forced.Cpu / sweepMedian.Item1, scoring, forcedRows);
    }

    // The sweep's own work after generation: judging every sample at every budget and summarising.
    private static void Score(EvaluationReport report)
    {
        foreach (var budget in Budgets)
        {
            BudgetSweep.Summarise(budget, report.PerProblem.Select(p => new ProblemOutcomes(p.ProblemId,
                p.Samples.Select(s => BudgetEvaluator.AtBudget(s, budget, EvaluationMode.Truncate)).ToList())).ToList());
        }
    }

    private static double Median<T>(IEnumerable<T> items, Func<T, double> value)
    {
        var sorted = items.Select(value).Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
