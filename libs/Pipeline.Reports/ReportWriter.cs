using Pipeline.Reports.Figures;
using Pipeline.Reports.Html;
using Pipeline.Reports.Runs;

namespace Pipeline.Reports;

/// <summary>
/// Writes the HTML report of one run, or the comparison of several, with its plots also saved as PNG files in a
/// folder named after the page (<c>report.html</c> → <c>report/</c>, <c>compare.html</c> → <c>compare/</c>).
/// Default pages: <c>RUN_DIR/report.html</c> for one run, the first run's <c>compare.html</c> for several.
/// </summary>
public static class ReportWriter
{
    public const string ReportFile = "report.html";
    public const string ComparisonFile = "compare.html";

    /// <summary>Writes the report and returns the full path of the page.</summary>
    /// <exception cref="DirectoryNotFoundException">A run folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">A run folder has no <c>metrics.jsonl</c>.</exception>
    /// <exception cref="InvalidDataException">A run file is malformed (the message names the file and line).</exception>
    public static string Write(IReadOnlyList<string> runFolders, string? output = null)
    {
        ArgumentNullException.ThrowIfNull(runFolders);
        if (runFolders.Count == 0) throw new ArgumentException("at least one run folder is needed", nameof(runFolders));
        var folders = runFolders.Select(RunFolder.Load).ToList();
        var page = Path.GetFullPath(output ?? Path.Combine(folders[0].Path, folders.Count == 1 ? ReportFile : ComparisonFile));
        var runs = ReportRun.FromFolders(folders);
        var (lengths, notes) = LengthFigures.Build(runs);
        var imageFolderName = Path.GetFileNameWithoutExtension(page);
        var content = new ReportContent(runs, TrainingFigures.Build(runs), BudgetFigures.Build(runs), lengths, notes, imageFolderName);

        var directory = Path.GetDirectoryName(page)!;
        var imageFolder = Path.Combine(directory, imageFolderName);
        Directory.CreateDirectory(imageFolder);
        foreach (var figure in content.Training.Concat(content.Budgets).Concat(content.Lengths))
            File.WriteAllBytes(Path.Combine(imageFolder, figure.FileName), figure.Png);
        File.WriteAllText(page, ReportPage.Render(content));
        return page;
    }
}
