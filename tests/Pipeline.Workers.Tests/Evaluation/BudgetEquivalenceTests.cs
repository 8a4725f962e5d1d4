// The claim the budget sweep rests on, checked on the shipped tiny-reasoner (sampling at T = 1, where it matters):
//   (1) generation: for the same requests and seed, the sequences generated with limit B are exactly the first B
//       tokens of those generated with a larger limit, with the same log-probabilities, and a sequence stops within
//       B under limit B exactly when it stopped within B under the larger limit;
//   (2) evaluation: for every budget B in a sweep, BudgetEvaluator's result at B — every metric and histogram, and
//       every sample as judged at B, forced answers included — equals that of an evaluation with the single budget B.
using System.Text.Json;
using Pipeline.Core.Spec;
using Pipeline.Model.Generation;
using Pipeline.Workers.Evaluation;

namespace Pipeline.Workers.Tests.Evaluation;

public class BudgetEquivalenceTests(TinyReasonerFixture tiny) : IClassFixture<TinyReasonerFixture>
{
    private const int LargestBudget = 128;

    [Fact]
    public void Generate_AtTheLargestLimit_StartsWithWhatEverySmallerLimitGenerates()
    {
        var prompts = TinyReasonerFixture.EasyTestProblems(4).Select(p => tiny.Prompting.Encode(p).Ids).ToList();
        var options = new GenerationOptions { EosTokenIds = tiny.Loaded.EosTokenIds, Seed = 17 };
        IReadOnlyList<GenerationResult> Generate(int limit) =>
            BatchGenerator.Generate(tiny.Loaded.Model, prompts.SelectMany(p => Enumerable.Repeat(new GenerationRequest(p, limit), 4)).ToList(), options);

        var full = Generate(LargestBudget);

        Assert.Contains(full, r => r.FinishReason == FinishReason.Stop && r.TokenIds.Length is > 8 and < 64); // the limits below cut some, not all
        foreach (var budget in new[] { 8, 24, 40, 64 })
        {
            var limited = Generate(budget);
            for (var i = 0; i < full.Count; i++)
            {
                Assert.Equal(full[i].TokenIds.Take(budget), limited[i].TokenIds);
                Assert.Equal(full[i].LogProbs.Take(budget), limited[i].LogProbs);
                Assert.Equal(full[i].FinishReason == FinishReason.Stop && full[i].TokenIds.Length <= budget, limited[i].FinishReason == FinishReason.Stop);
            }
        }
    }

    [Theory]
    [InlineData(EvaluationMode.Truncate)]
    [InlineData(EvaluationMode.ForceAnswer)]
    public void Evaluate_ResultAtEachBudget_EqualsAnEvaluationWithThatBudgetAlone(EvaluationMode mode)
    {
        var problems = TinyReasonerFixture.EasyTestProblems(6);
        var options = new EvaluationOptions([16, 40, 96], Samples: 4, Temperature: 1, TopP: 1, Seed: 5, mode, PromptsPerBatch: 3);

        var sweep = tiny.Evaluator.Evaluate("arith", problems, options);

        for (var b = 0; b < options.Budgets.Count; b++)
        {
            var budget = options.Budgets[b];
            var alone = tiny.Evaluator.Evaluate("arith", problems, options with { Budgets = [budget] });
            Assert.Equal(Json(alone.Budgets[0]), Json(sweep.Budgets[b]));
            Assert.Equal(JudgedAt(alone, budget, mode), JudgedAt(sweep, budget, mode));
        }
        Assert.InRange(sweep.Budgets[0].TruncationRate!.Value, 0.5, 1.0);   // the small budgets do cut samples
        Assert.InRange(sweep.Budgets[^1].TruncationRate!.Value, 0.0, 0.3);
    }

    // Each sample as judged at the budget, with the answer forced there (if any): what the result at B is made of.
    private static string JudgedAt(EvaluationReport report, int budget, EvaluationMode mode) => Json(report.PerProblem.Select(p => p.Samples.Select(s =>
        new { Outcome = BudgetEvaluator.AtBudget(s, budget, mode), Forced = s.Forced?.SingleOrDefault(f => f.Budget == budget) })));

    private static string Json<T>(T value) => JsonSerializer.Serialize(value);
}
