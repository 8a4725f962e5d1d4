using System.Text.Json.Nodes;
using Pipeline.Workers.Embedded;

namespace Pipeline.Workers.Tests;

public class SummaryTableTests
{
    private static JsonObject Line(int step, int budget, double mean, double pass, double length) => new()
    {
        ["step"] = step, ["dataset"] = "arith-test", ["budget"] = budget, ["samples"] = 8, ["problems"] = 200,
        ["mean_at_k"] = mean, ["pass_at_k"] = pass, ["mean_length"] = length,
    };

    [Fact]
    public void Render_ComparesTheFirstAndLastEvaluationPerBudget_AlignedAt100Percent()
    {
        var lines = new[]
        {
            Line(0, 32, 0.163, 0.695, 31.0), Line(0, 256, 0.988, 1.0, 53.4),
            Line(10, 32, 0.5, 0.9, 25.0), Line(10, 256, 0.894, 0.995, 29.0),
            Line(60, 32, 0.971, 1.0, 23.0), Line(60, 256, 0.988, 1.0, 23.1),
        };

        var rows = SummaryTable.Render(lines).Split('\n');

        Assert.Equal("arith-test: step 0 → step 60 (200 problems × 8 samples)", rows[0]);
        Assert.Equal("      32 |  16.3 % →  97.1 %     |  69.5 % → 100.0 %     |   31.0 →   23.0 (-25.8%)", rows[2]);
        Assert.Equal("     256 |  98.8 % →  98.8 %     | 100.0 % → 100.0 %     |   53.4 →   23.1 (-56.7%)", rows[3]);
        Assert.Equal(rows[1].IndexOf('|', 10), rows[2].IndexOf('|', 10));   // columns line up under the header
    }

    [Fact]
    public void Render_WithoutEvaluations_SaysWhy() =>
        Assert.Contains("spec.data.eval is empty", SummaryTable.Render([]), StringComparison.Ordinal);
}
