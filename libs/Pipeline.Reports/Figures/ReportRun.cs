using System.Globalization;
using Pipeline.Reports.Runs;
using ScottPlot;

namespace Pipeline.Reports.Figures;

/// <summary>A run as a report shows it: its files, the label in legends, its colour, and its detected stage boundary.</summary>
public sealed class ReportRun
{
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    internal ReportRun(RunFolder folder, string label, int index)
    {
        Folder = folder;
        Label = label;
        Color = Palette.GetColor(index);
        var steps = folder.Metrics.Where(m => m[MetricNames.MeanLength] is not null).ToList();
        Boundary = StageDetector.Detect(steps.Select(s => s.Step).ToList(), steps.Select(s => s[MetricNames.MeanLength]!.Value).ToList());
    }

    public RunFolder Folder { get; }
    public string Label { get; }
    internal Color Color { get; }
    public StageBoundary? Boundary { get; }

    /// <summary>
    /// Legend labels: each run's <c>metadata.name</c>; runs that share a name (two variants of one spec) are named
    /// by their folders instead, and folders that share a name too get their position appended.
    /// </summary>
    public static IReadOnlyList<ReportRun> FromFolders(IReadOnlyList<RunFolder> folders)
    {
        var labels = folders.Select(f => f.Name).ToList();
        var clashing = labels.GroupBy(l => l, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < labels.Count; i++)
            if (clashing.Contains(labels[i])) labels[i] = Path.GetFileName(folders[i].Path);
        var stillClashing = labels.GroupBy(l => l, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < labels.Count; i++)
            if (stillClashing.Contains(labels[i])) labels[i] = string.Create(CultureInfo.InvariantCulture, $"{labels[i]} ({i + 1})");
        return folders.Select((f, i) => new ReportRun(f, labels[i], i)).ToList();
    }

    /// <summary>Values of one metric at every step (null where a step lacks it).</summary>
    internal (IReadOnlyList<double> Steps, IReadOnlyList<double?> Values) Series(string metric) =>
        (Folder.Metrics.Select(m => (double)m.Step).ToList(), Folder.Metrics.Select(m => m[metric]).ToList());
}
