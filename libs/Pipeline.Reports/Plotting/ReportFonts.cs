using ScottPlot;
using SkiaSharp;

namespace Pipeline.Reports.Plotting;

/// <summary>
/// The fonts every plot draws with: DejaVu Sans regular and bold, embedded in this assembly (Fonts/, with their
/// licence). ScottPlot asks the machine's fonts by default, and when none is found (a container without fontconfig,
/// which the NoDependencies Skia build never asks anyway) it draws no text at all, silently. So a resolver that
/// serves the embedded files goes first in <see cref="Fonts.FontResolvers"/> and answers <b>every</b> family name:
/// labels that ask for a font by name (ScottPlot's defaults) get DejaVu Sans too, and images are the same on every
/// machine. ScottPlot's <see cref="Fonts.AddFontFile"/> would need the files on disk and comes after the system
/// resolver, hence this one.
/// </summary>
internal static class ReportFonts
{
    public const string Family = "DejaVu Sans";

    private static readonly Lazy<EmbeddedFontResolver> Resolver = new(Register, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Registers the fonts with ScottPlot once per process; call before building a plot.</summary>
    public static void EnsureRegistered() => _ = Resolver.Value;

    /// <summary>The regular typeface (tests measure text with it).</summary>
    public static SKTypeface Regular => Resolver.Value.Regular;

    private static EmbeddedFontResolver Register()
    {
        var resolver = new EmbeddedFontResolver(Load("DejaVuSans.ttf"), Load("DejaVuSans-Bold.ttf"));
        Fonts.FontResolvers.Insert(0, resolver);
        Fonts.Default = Family;
        Fonts.Sans = Family;
        return resolver;
    }

    private static SKTypeface Load(string file)
    {
        var name = $"Pipeline.Reports.Fonts.{file}";
        using var stream = typeof(ReportFonts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"embedded font {name} is missing from {typeof(ReportFonts).Assembly.GetName().Name}");
        using var data = SKData.Create(stream);
        return SKTypeface.FromData(data) ?? throw new InvalidOperationException($"embedded font {name} is not a font Skia can read");
    }

    private sealed class EmbeddedFontResolver(SKTypeface regular, SKTypeface boldface) : IFontResolver
    {
        public SKTypeface Regular => regular;

        public SKTypeface CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            weight >= FontWeight.SemiBold ? boldface : regular;

        public SKTypeface CreateTypeface(string fontName, bool bold, bool italic) =>
            CreateTypeface(fontName, bold ? FontWeight.Bold : FontWeight.Normal, FontSlant.Upright, FontSpacing.Normal);
    }
}
