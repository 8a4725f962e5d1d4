using Pipeline.Core.Spec;

namespace Pipeline.Core.Tests.Spec;

public class SpecReferenceTests
{
    [Fact]
    public void EveryField_HasADescription()
    {
        var undocumented = SpecReference.Fields.Where(f => string.IsNullOrWhiteSpace(f.Description)).Select(f => f.Path);

        Assert.Empty(undocumented);
    }

    [Fact]
    public void Fields_IncludeNestedListElements()
    {
        var paths = SpecReference.Fields.Select(f => f.Path).ToList();

        Assert.Contains("spec.reward.shaping.schedule[].targetTokens", paths);
        Assert.Contains("spec.data.eval[].source", paths);
    }

    [Fact]
    public void Under_AList_IncludesItsItemFields()
    {
        var paths = SpecReference.Under("spec.data.eval").Select(f => f.Path).ToList();

        Assert.Equal("spec.data.eval", paths[0]);
        Assert.Contains("spec.data.eval[].name", paths);
        Assert.DoesNotContain(paths, p => p.StartsWith("spec.data.evaluation", StringComparison.Ordinal));
    }

    [Fact]
    public void DocsFile_MatchesTheGeneratedReference()
    {
        var path = RepoPaths.InRepo("docs/experiment-spec.md");

        var onDisk = File.ReadAllText(path);

        Assert.True(onDisk == SpecReference.ToMarkdown(),
            $"{path} is out of date; regenerate it with: ./bin/pipeline explain --markdown > docs/experiment-spec.md");
    }
}
