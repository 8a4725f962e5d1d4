using System.Text.RegularExpressions;

namespace Pipeline.Reports.Tests;

/// <summary>docs/findings.md shows the plots of the paper's experiments: every image it references is a valid PNG.</summary>
public sealed partial class FindingsPageTests
{
    [GeneratedRegex(@"!\[([^\]]*)\]\(([^)]+\.png)\)")]
    private static partial Regex ImageLink();

    [Fact]
    public void EveryReferencedImage_ExistsAndIsAValidPng()
    {
        var page = RepoPaths.InRepo("docs/findings.md");
        var links = ImageLink().Matches(File.ReadAllText(page)).Select(m => (Alt: m.Groups[1].Value, File: m.Groups[2].Value)).ToList();

        Assert.True(links.Count >= 8, $"only {links.Count} images in {page}");
        foreach (var (alt, file) in links)
        {
            var path = Path.Combine(Path.GetDirectoryName(page)!, file);
            Assert.True(File.Exists(path), $"{page}: image '{alt}' → {path} does not exist");
            Assert.False(string.IsNullOrWhiteSpace(alt), $"{page}: {file} has no alt text");
            PngAssert.Decodes(File.ReadAllBytes(path), file);
        }
    }

    [Fact]
    public void EveryExperimentSpecItNames_Exists()
    {
        var text = File.ReadAllText(RepoPaths.InRepo("docs/findings.md"));

        foreach (Match m in Regex.Matches(text, @"examples/[a-z/-]+\.yaml"))
            Assert.True(File.Exists(RepoPaths.InRepo(m.Value)), $"docs/findings.md names {m.Value}, which does not exist");
    }
}
