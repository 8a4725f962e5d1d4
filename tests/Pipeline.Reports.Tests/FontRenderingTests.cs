using Pipeline.Reports.Plotting;
using ScottPlot;

namespace Pipeline.Reports.Tests;

public class FontRenderingTests
{
    private static LineChart Chart(string title)
    {
        var chart = new LineChart(title, "training step", "tokens") { Title = title };
        chart.Lines.Add(new ChartLine("length", [1, 2, 3], [30, 25, 24], Colors.Black));
        return chart;
    }

    [Fact]
    public void ToPng_DrawsTheTitleText()
    {
        var titled = PngAssert.Decodes(Chart("Mean response length").ToPng(), "titled");
        var untitled = PngAssert.Decodes(Chart("").ToPng(), "untitled");

        // The title sits in the top band; without a font ScottPlot would draw nothing there and both would be blank.
        Assert.True(PngAssert.InkInBand(titled, 0, 30) > 200, "no title pixels: the font did not render");
        Assert.Equal(0, PngAssert.InkInBand(untitled, 0, 12));
        Assert.NotEqual(titled.Bytes, untitled.Bytes);
    }

    [Fact]
    public void EnsureRegistered_ServesTheEmbeddedDejaVuForAnyFamily()
    {
        ReportFonts.EnsureRegistered();

        Assert.Equal("DejaVu Sans", ReportFonts.Regular.FamilyName);
        Assert.Equal("DejaVu Sans", Fonts.GetTypeface("Some Font Nobody Has", bold: false, italic: false).FamilyName);
        Assert.True(Fonts.GetTypeface("Arial", bold: true, italic: false).IsBold);
    }
}
