// The report of a trained tiny reasoner, per difficulty (easy, medium, hard test splits): sampled accuracy and
// lengths at every budget (one sampling pass at the largest budget, cut down by Core's BudgetSweep), greedy accuracy
// and length, the mean length of the minimal chain of thought for comparison, and the easy split's pass-rate
// distribution over k samples (the RL stage keeps prompts with pass rate > 0.5). Printed as a table by `pipeline sft`
// and written as JSON next to the model.
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Pipeline.Core.Evaluation;
using Pipeline.Core.Spec;
using Pipeline.Core.Tasks.Arith;
using Pipeline.Model.Generation;

namespace Pipeline.Model.Sft;

/// <summary>Results of one difficulty.</summary>
/// <param name="Sampled">One result per budget of the sampled answers.</param>
/// <param name="Greedy">Greedy answers at the largest budget.</param>
/// <param name="MinimalLength">Mean tokens of the minimal solution (EOS included), the length of the necessary reasoning.</param>
public sealed record DifficultyReport(string Difficulty, IReadOnlyList<BudgetResult> Sampled, BudgetResult Greedy, double MinimalLength);

/// <summary>How many easy prompts have c of k samples correct, for c = 0…k.</summary>
public sealed record PassRateDistribution(int Samples, int Problems, IReadOnlyList<int> ProblemsByCorrect)
{
    /// <summary>Prompts whose pass rate is strictly above 0.5 (kept by the RL stage's easy filter).</summary>
    public int AboveHalf => ProblemsByCorrect.Select((n, c) => 2 * c > Samples ? n : 0).Sum();
}

/// <summary>The full evaluation of a model folder (see the file header).</summary>
public sealed record SftReport(double Temperature, IReadOnlyList<DifficultyReport> Difficulties, PassRateDistribution? PassRates, TimeSpan Elapsed)
{
    public static SftReport Evaluate(LoadedModel loaded, SftFinalEvaluationSpec spec, int seed)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var evaluator = SftEvaluator.For(loaded);
        var maxTokens = spec.Budgets[^1];
        var sampling = new SamplingOptions { Temperature = (float)spec.Temperature };
        var reports = new List<DifficultyReport>();
        foreach (var difficulty in new[] { Difficulty.Easy, Difficulty.Medium, Difficulty.Hard })
        {
            var problems = ArithTask.Problems("test", difficulty, spec.Problems, exhaustive: false);
            var sampled = evaluator.Sample(problems, spec.Samples, sampling, maxTokens, (ulong)seed);
            var greedy = evaluator.Sample(problems, 1, SamplingOptions.Greedy, maxTokens, 0);
            var minimal = problems.Average(p => SftExampleSampler.ResponseIds(loaded.Tokenizer, ArithSolutions.Minimal(p)).Length);
            reports.Add(new DifficultyReport(EnumNames.Name(difficulty), BudgetSweep.Compute(sampled, spec.Budgets),
                BudgetSweep.Compute(greedy, [maxTokens])[0], minimal));
        }
        PassRateDistribution? passRates = null;
        if (spec.PassRateSamples > 0)
        {
            var easy = ArithTask.Problems("test", Difficulty.Easy, spec.Problems, exhaustive: false);
            var outcomes = evaluator.Sample(easy, spec.PassRateSamples, sampling, maxTokens, (ulong)seed + 1000);
            var byCorrect = new int[spec.PassRateSamples + 1];
            foreach (var o in outcomes) byCorrect[o.Samples.Count(s => s.Correct)]++;
            passRates = new PassRateDistribution(spec.PassRateSamples, easy.Count, byCorrect);
        }
        return new SftReport(spec.Temperature, reports, passRates, clock.Elapsed);
    }

    /// <summary>The report as a plain-text table.</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        var k = Difficulties[0].Sampled[0].SamplesPerProblem;
        text.AppendLine(Invariant($"sampled at T={Temperature}, {k} per problem; lengths in tokens (EOS included); a sample cut at the budget is wrong"));
        text.AppendLine(Invariant($"{"split",-7}{"budget",7}{"problems",9}{"mean@" + k,9}{"pass@" + k,9}{"len",8}{"len ok",8}{"len bad",8}{"trunc",8}"));
        foreach (var d in Difficulties)
            foreach (var b in d.Sampled) text.AppendLine(Row(d.Difficulty, b));
        text.AppendLine();
        text.AppendLine(Invariant($"{"split",-7}{"greedy acc",11}{"greedy len",11}{"trunc",8}{"minimal len",13}{"sampled/minimal",17}"));
        foreach (var d in Difficulties)
        {
            var ratio = d.Sampled[^1].Lengths.Overall.Mean / d.MinimalLength;
            text.AppendLine(Invariant($"{d.Difficulty,-7}{Pct(d.Greedy.MeanAtK),11}{Num(d.Greedy.Lengths.Overall.Mean),11}{Pct(d.Greedy.TruncationRate),8}{d.MinimalLength,13:F1}{Num(ratio, "F2") + "x",17}"));
        }
        if (PassRates is { } p)
        {
            text.AppendLine();
            text.AppendLine(Invariant($"easy pass rate over {p.Samples} samples ({p.Problems} problems): correct count -> problems: ") +
                string.Join(", ", p.ProblemsByCorrect.Select((n, c) => Invariant($"{c}:{n}"))));
            text.AppendLine(Invariant($"pass rate > 0.5: {p.AboveHalf} of {p.Problems} ({(double)p.AboveHalf / Math.Max(1, p.Problems):P1})"));
        }
        return text.ToString();
    }

    /// <summary>The report as JSON (snake_case keys, like the RL loop's eval.jsonl).</summary>
    public JsonObject ToJson() => new()
    {
        ["temperature"] = Temperature,
        ["seconds"] = Math.Round(Elapsed.TotalSeconds, 1),
        ["difficulties"] = new JsonArray([.. Difficulties.Select(d => (JsonNode)new JsonObject
        {
            ["difficulty"] = d.Difficulty,
            ["minimal_length"] = Math.Round(d.MinimalLength, 2),
            ["greedy"] = BudgetJson(d.Greedy),
            ["sampled"] = new JsonArray([.. d.Sampled.Select(b => (JsonNode)BudgetJson(b))]),
        })]),
        ["pass_rate"] = PassRates is not { } p ? null : new JsonObject
        {
            ["samples"] = p.Samples,
            ["problems"] = p.Problems,
            ["problems_by_correct"] = new JsonArray([.. p.ProblemsByCorrect.Select(n => (JsonNode?)n)]),
            ["above_half"] = p.AboveHalf,
        },
    };

    private static JsonObject BudgetJson(BudgetResult b) => new()
    {
        ["budget"] = b.Budget,
        ["problems"] = b.Problems,
        ["samples"] = b.SamplesPerProblem,
        ["mean_at_k"] = b.MeanAtK,
        ["pass_at_k"] = b.PassAtK,
        ["mean_length"] = b.Lengths.Overall.Mean,
        ["mean_length_correct"] = b.Lengths.Correct.Mean,
        ["mean_length_incorrect"] = b.Lengths.Incorrect.Mean,
        ["truncation_rate"] = b.TruncationRate,
    };

    private static string Row(string split, BudgetResult b) => Invariant(
        $"{split,-7}{b.Budget,7}{b.Problems,9}{Pct(b.MeanAtK),9}{Pct(b.PassAtK),9}{Num(b.Lengths.Overall.Mean),8}{Num(b.Lengths.Correct.Mean),8}{Num(b.Lengths.Incorrect.Mean),8}{Pct(b.TruncationRate),8}");

    private static string Pct(double? value) => value is { } v ? Invariant($"{100 * v:F1}%") : "-";

    private static string Num(double? value, string format = "F1") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
