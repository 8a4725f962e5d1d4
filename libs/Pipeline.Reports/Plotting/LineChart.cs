using ScottPlot;

namespace Pipeline.Reports.Plotting;

/// <summary>One line of a chart. Points whose y is null are left out (the line joins its neighbours).</summary>
/// <param name="Steps">Draw as a staircase (a histogram outline) instead of straight segments.</param>
internal sealed record ChartLine(string Label, IReadOnlyList<double> Xs, IReadOnlyList<double?> Ys, Color Color,
    float Width = 2, bool Dashed = false, bool Markers = false, bool Steps = false);

/// <summary>A labelled vertical line across the chart (the detected stage boundary).</summary>
internal sealed record VerticalMarker(double X, string Label, Color Color);

/// <summary>
/// Everything the report draws is a line chart: a title, axis labels, lines, optional vertical markers, optional
/// fixed tick labels (the log₂ budget axis) and y range. <see cref="ToPng"/> renders it with ScottPlot in the
/// embedded fonts, the legend below the data so it never hides a line.
/// </summary>
internal sealed class LineChart(string title, string xLabel, string yLabel)
{
    public const int Width = 800;
    public const int Height = 450;

    public List<ChartLine> Lines { get; } = [];
    public List<VerticalMarker> Markers { get; } = [];

    /// <summary>Fixed ticks of the x axis (position, label); ScottPlot's automatic ticks when null.</summary>
    public IReadOnlyList<(double Position, string Label)>? XTicks { get; init; }

    public (double Min, double Max)? YRange { get; init; }

    /// <summary>Start the y axis at exactly 0 (histograms), the top chosen by autoscaling.</summary>
    public bool YFromZero { get; init; }

    /// <summary>Title text, for a caller that renders the same chart under another title (tests).</summary>
    public string Title { get; init; } = title;

    public byte[] ToPng(int width = Width, int height = Height)
    {
        ReportFonts.EnsureRegistered();
        using var plot = new Plot();
        plot.Font.Set(ReportFonts.Family);
        plot.Title(Title, 18);
        plot.XLabel(xLabel, 14);
        plot.YLabel(yLabel, 14);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 12;
        plot.Axes.Left.TickLabelStyle.FontSize = 12;
        foreach (var line in Lines) AddLine(plot, line);
        foreach (var marker in Markers)
        {
            var vertical = plot.Add.VerticalLine(marker.X, 1.5f, marker.Color, LinePattern.Dashed);
            vertical.LegendText = marker.Label;
        }
        if (XTicks is { } ticks)
        {
            var manual = new ScottPlot.TickGenerators.NumericManual();
            foreach (var (position, label) in ticks) manual.AddMajor(position, label);
            plot.Axes.Bottom.TickGenerator = manual;
        }
        if (YRange is var (min, max)) plot.Axes.SetLimitsY(min, max);
        else if (YFromZero)
        {
            plot.Axes.AutoScale();
            plot.Axes.SetLimitsY(0, plot.Axes.GetLimits().Top);
        }
        if (Lines.Count + Markers.Count > 0)
        {
            plot.Legend.FontName = ReportFonts.Family;
            plot.Legend.FontSize = 12;
            plot.Legend.SetBestFontOnEachRender = false;
            plot.ShowLegend(Edge.Bottom);
        }
        return plot.GetImageBytes(width, height, ImageFormat.Png);
    }

    private static void AddLine(Plot plot, ChartLine line)
    {
        var points = line.Xs.Zip(line.Ys, (x, y) => (x, y)).Where(p => p.y is { } v && double.IsFinite(v)).ToList();
        if (points.Count == 0) return;
        var scatter = plot.Add.Scatter(points.Select(p => p.x).ToArray(), points.Select(p => p.y!.Value).ToArray(), line.Color);
        scatter.LegendText = line.Label;
        scatter.LineWidth = line.Width;
        scatter.MarkerSize = line.Markers ? 7 : 0;
        if (line.Dashed) scatter.LinePattern = LinePattern.Dashed;
        if (line.Steps) scatter.ConnectStyle = ConnectStyle.StepHorizontal;
    }
}
