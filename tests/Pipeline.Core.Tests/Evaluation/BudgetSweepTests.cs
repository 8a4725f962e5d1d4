using Pipeline.Core.Evaluation;
using Pipeline.Core.Rewards;

namespace Pipeline.Core.Tests.Evaluation;

public class BudgetSweepTests
{
    private static ResponseOutcome Finished(int length, bool correct) => new(correct, length, true);
    private static ResponseOutcome Cut(int length) => new(false, length, false);

    // Two problems × 4 samples, generated at a 128-token limit.
    private static readonly ProblemOutcomes[] Problems =
    [
        new("p1", [Finished(10, true), Finished(40, true), Finished(100, false), Cut(128)]),
        new("p2", [Finished(20, false), Finished(60, true), Cut(128), Cut(128)]),
    ];

    [Fact]
    public void AtBudget_FinishedWithin_KeepsItsVerdict()
    {
        Assert.Equal(Finished(40, true), BudgetSweep.AtBudget(Finished(40, true), 64));
        Assert.Equal(Finished(64, true), BudgetSweep.AtBudget(Finished(64, true), 64));
    }

    [Fact]
    public void AtBudget_LongerThanTheBudget_IsCutAndWrong()
    {
        Assert.Equal(Cut(32), BudgetSweep.AtBudget(Finished(40, true), 32));
        Assert.Equal(Cut(32), BudgetSweep.AtBudget(Cut(128), 32));
    }

    [Fact]
    public void ForcedAtBudget_FinishedWithin_KeepsItsVerdictWhateverTheForcedAnswer()
    {
        Assert.Equal(Finished(40, false), BudgetSweep.ForcedAtBudget(Finished(40, false), 64, forcedAnswerCorrect: true));
        Assert.Equal(Finished(64, true), BudgetSweep.ForcedAtBudget(Finished(64, true), 64, forcedAnswerCorrect: false));
    }

    [Fact]
    public void ForcedAtBudget_CutAtTheBudget_TakesTheForcedVerdictAndLengthB()
    {
        Assert.Equal(new ResponseOutcome(true, 32, false), BudgetSweep.ForcedAtBudget(Finished(40, false), 32, forcedAnswerCorrect: true));
        Assert.Equal(Cut(32), BudgetSweep.ForcedAtBudget(Cut(128), 32, forcedAnswerCorrect: false));
    }

    [Fact]
    public void Summarise_ForcedOutcomes_CountForcedCorrectAnswersAsCorrectAndTruncated()
    {
        // p1 at B = 32: 10 ✓ finished; 40 ✓ cut, forced ✓; 100 ✗ cut, forced ✗; 128 cut, forced ✓.
        var atBudget = new[] { new ProblemOutcomes("p1", [
            BudgetSweep.ForcedAtBudget(Finished(10, true), 32, false), BudgetSweep.ForcedAtBudget(Finished(40, true), 32, true),
            BudgetSweep.ForcedAtBudget(Finished(100, false), 32, false), BudgetSweep.ForcedAtBudget(Cut(128), 32, true)]) };

        var result = BudgetSweep.Summarise(32, atBudget);

        Assert.Equal(0.75, result.MeanAtK);
        Assert.Equal(0.75, result.TruncationRate);
        Assert.Equal((10 + 32 + 32) / 3.0, result.Lengths.Correct.Mean!.Value, 9);
        Assert.Equal([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2], result.HistogramCorrect.Counts);
    }

    [Fact]
    public void Summarise_ASampleLongerThanTheBudget_IsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => BudgetSweep.Summarise(32, [new ProblemOutcomes("p", [Finished(40, true)])]));

        Assert.Contains("has 40 tokens", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_HandCountedBudgets()
    {
        var results = BudgetSweep.Compute(Problems, [32, 64, 128]);

        // B=32: correct {p1:10}; p2 none. Mean@4 = (1/4 + 0)/2; Pass@4 = (1 + 0)/2. Truncated: 40,100,128 | 60,128,128 → 6/8.
        Assert.Equal(0.125, results[0].MeanAtK);
        Assert.Equal(0.5, results[0].PassAtK);
        Assert.Equal(0.75, results[0].TruncationRate);
        // B=64: correct {10, 40} and {60}. Mean = (2/4 + 1/4)/2. Truncated: 100, 128 | 128, 128 → 4/8.
        Assert.Equal(0.375, results[1].MeanAtK);
        Assert.Equal(1.0, results[1].PassAtK);
        Assert.Equal(0.5, results[1].TruncationRate);
        // B=128: lengths 10,40,100,128,20,60,128,128; correct 10,40,60 → mean 110/3; incorrect 100,128,20,128,128 → 504/5.
        Assert.Equal(110.0 / 3, results[2].Lengths.Correct.Mean!.Value, 9);
        Assert.Equal(504.0 / 5, results[2].Lengths.Incorrect.Mean!.Value, 9);
        Assert.Equal(0.375, results[2].TruncationRate);
    }

    [Fact]
    public void Compute_LengthsAtABudget_NeverExceedIt()
    {
        var results = BudgetSweep.Compute(Problems, [16, 50]);

        Assert.All(results, r => Assert.True(r.Lengths.Overall.Max <= r.Budget));
        Assert.Equal(8, results[0].HistogramCorrect.Counts.Sum() + results[0].HistogramIncorrect.Counts.Sum());
    }

    [Fact]
    public void Compute_AccuracyIsMonotoneInBudget()
    {
        var random = new Random(5);
        var problems = Enumerable.Range(0, 50).Select(i => new ProblemOutcomes($"p{i}",
            Enumerable.Range(0, 8).Select(_ => random.Next(3) == 0 ? Cut(256) : Finished(random.Next(1, 257), random.Next(2) == 0)).ToList())).ToList();

        var results = BudgetSweep.Compute(problems, [16, 32, 64, 128, 256]);

        Assert.Equal(results.Select(r => r.MeanAtK), results.Select(r => r.MeanAtK).OrderBy(m => m));
        Assert.Equal(results.Select(r => r.PassAtK), results.Select(r => r.PassAtK).OrderBy(m => m));
    }

    [Fact]
    public void Compute_RaggedSampleCounts_AreRejected()
    {
        ProblemOutcomes[] ragged = [new("a", [Cut(8)]), new("b", [Cut(8), Cut(8)])];

        var e = Assert.Throws<ArgumentException>(() => BudgetSweep.Compute(ragged, [8]));

        Assert.Contains("'b' has 2, expected 1", e.Message, StringComparison.Ordinal);
    }
}
