using System.Text.RegularExpressions;

namespace Pipeline.Reports.Tests;

public sealed partial class ReportWriterTests : IDisposable
{
    private readonly string _run = SyntheticRunFolder.Create("decay-a");
    private readonly string _other = SyntheticRunFolder.Create("decay-b", steps: 30, plateau: 26);

    public void Dispose()
    {
        Directory.Delete(_run, recursive: true);
        Directory.Delete(_other, recursive: true);
    }

    [GeneratedRegex("<img src=\"data:image/png;base64,([^\"]+)\" alt=\"([^\"]+)\" data-file=\"([^\"]+)\">")]
    private static partial Regex Image();

    private static List<(byte[] Png, string Alt, string File)> Images(string html) =>
        Image().Matches(html).Select(m => (Convert.FromBase64String(m.Groups[1].Value), m.Groups[2].Value, m.Groups[3].Value)).ToList();

    [Fact]
    public void Write_OneRun_EmbedsEveryPlotAsAValidPngAlsoSavedBesideThePage()
    {
        var page = ReportWriter.Write([_run]);

        Assert.Equal(Path.Combine(_run, "report.html"), page);
        var images = Images(File.ReadAllText(page));
        Assert.Equal(4 + 1 + 2, images.Count);   // training curves, accuracy vs budget, two length histograms
        foreach (var (png, alt, file) in images)
        {
            PngAssert.Decodes(png, alt);
            var saved = Path.Combine(_run, file);
            Assert.True(File.Exists(saved), $"{saved} missing");
            Assert.Equal(png, File.ReadAllBytes(saved));
        }
        Assert.Equal(images.Count, Directory.GetFiles(Path.Combine(_run, "report"), "*.png").Length);
    }

    [Fact]
    public void Write_EvaluationOnlyFolder_HasBudgetAndLengthPlotsButNoTrainingCurves()
    {
        File.Delete(Path.Combine(_run, "metrics.jsonl"));

        var html = File.ReadAllText(ReportWriter.Write([_run]));

        var images = Images(html);
        Assert.Equal(1 + 2, images.Count);   // accuracy vs budget, two length histograms
        Assert.All(images, i => PngAssert.Decodes(i.Png, i.Alt));
        Assert.Contains("an evaluation without training", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Training stages", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_OneRun_StatesNameKeyFiguresBoundaryAndTable()
    {
        var html = File.ReadAllText(ReportWriter.Write([_run]));

        Assert.Contains("<h1>Run report: decay-a</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<h2>Key figures</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"name\">arith-test</td><td>128</td><td>0 → 40</td>", html, StringComparison.Ordinal);
        Assert.Matches("Reasoning refinement: from step \\d+ on", html);
        Assert.Contains("<h3>arith-test, step 0 → step 40 (20 problems × 4 samples)</h3>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal);   // self-contained
    }

    [Fact]
    public void Write_TwoRuns_ComparesThemInTheFirstRunsFolder()
    {
        var page = ReportWriter.Write([_run, _other]);

        Assert.Equal(Path.Combine(_run, "compare.html"), page);
        var html = File.ReadAllText(page);
        Assert.Contains("<h1>Comparison: decay-a vs decay-b</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<td class=\"name\">decay-b</td><td class=\"name\">arith-test</td>", html, StringComparison.Ordinal);
        var images = Images(html);
        Assert.Equal(8 + 1 + 2, images.Count);   // one plot per training metric, accuracy vs budget, two histograms
        foreach (var (png, alt, file) in images)
        {
            PngAssert.Decodes(png, alt);
            Assert.StartsWith("compare/", file, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(_run, file)), $"{file} missing");
        }
    }

    [Fact]
    public void Write_ToAChosenFile_PutsThePngsInAFolderNamedAfterIt()
    {
        var output = Path.Combine(_other, "out", "mine.html");

        var page = ReportWriter.Write([_run, _other], output);

        Assert.Equal(output, page);
        Assert.True(File.Exists(Path.Combine(_other, "out", "mine", "lengths-correct-arith-test.png")));
    }

    [Fact]
    public void Write_FolderWithoutMetricsOrEvaluations_NamesTheFile()
    {
        File.Delete(Path.Combine(_other, "metrics.jsonl"));
        File.Delete(Path.Combine(_other, "eval.jsonl"));

        var error = Assert.Throws<FileNotFoundException>(() => ReportWriter.Write([_run, _other]));

        Assert.Contains(Path.Combine(_other, "metrics.jsonl"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_MissingSampleFile_LeavesOutItsHistogramAndSaysSo()
    {
        File.Delete(Path.Combine(_run, "eval", "step-40-arith-test.json"));

        var html = File.ReadAllText(ReportWriter.Write([_run]));

        Assert.Contains("step-40-arith-test.json not found: its length histogram is left out.", html, StringComparison.Ordinal);
    }
}
