using Pipeline.Reports.Runs;

namespace Pipeline.Reports.Tests;

public class SummaryTableTests
{
    private static EvalLine Line(int step, int budget, double mean, double pass, double length) =>
        new(step, "arith-test", budget, Samples: 8, Problems: 200, mean, pass, TruncationRate: null, length, null, null);

    private static readonly EvalLine[] Lines =
    [
        Line(0, 32, 0.163, 0.695, 31.0), Line(0, 256, 0.988, 1.0, 53.4),
        Line(10, 32, 0.5, 0.9, 25.0), Line(10, 256, 0.894, 0.995, 29.0),
        Line(60, 32, 0.971, 1.0, 23.0), Line(60, 256, 0.988, 1.0, 23.1),
    ];

    [Fact]
    public void Render_ComparesTheFirstAndLastEvaluationPerBudget_AlignedAt100Percent()
    {
        var rows = SummaryTable.Render(Lines).Split('\n');

        Assert.Equal("arith-test: step 0 → step 60 (200 problems × 8 samples)", rows[0]);
        Assert.Equal("      32 |  16.3 % →  97.1 %     |  69.5 % → 100.0 %     |   31.0 →   23.0 (-25.8%)", rows[2]);
        Assert.Equal("     256 |  98.8 % →  98.8 %     | 100.0 % → 100.0 %     |   53.4 →   23.1 (-56.7%)", rows[3]);
        Assert.Equal(rows[1].IndexOf('|', 10), rows[2].IndexOf('|', 10));   // columns line up under the header
    }

    [Fact]
    public void Compare_PairsEachBudgetOfTheFirstStepWithTheLastStep()
    {
        var set = Assert.Single(SummaryTable.Compare(Lines));

        Assert.Equal((0, 60), (set.FirstStep, set.LastStep));
        Assert.Equal([32, 256], set.Budgets.Select(b => b.Budget));
        Assert.Equal(0.971, set.Budgets[0].After!.MeanAtK);
        Assert.Equal(23.1 / 53.4 - 1, set.Budgets[1].LengthChange!.Value, 12);
    }

    [Fact]
    public void Render_WithoutEvaluations_SaysWhy() =>
        Assert.Contains("spec.data.eval is empty", SummaryTable.Render([]), StringComparison.Ordinal);
}
