using Pipeline.Workers.Policy;

namespace Pipeline.Workers.Tests.Policy;

public sealed class FolderPolicyStoreTests
{
    private static FolderPolicyStore NewStore(int keep = 4) =>
        new(PolicyTestModels.NewFolder("policy-root"), PolicyTestModels.SourceFolder, keep);

    private static string[] Entries(string root) => Directory.EnumerateFileSystemEntries(root).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void PublishThenLoad_CopiesTheWeights()
    {
        using var source = PolicyTestModels.LoadSource();
        using var target = PolicyTestModels.Other(source.Config);
        var store = NewStore();

        store.LoadInto(store.Publish(source.Model, "exp", version: 3, step: 30), target);

        Assert.True(PolicyTestModels.SameWeights(source.Model, target));
    }

    [Fact]
    public void Publish_AnnouncesTheFolderAndItsChecksum()
    {
        using var source = PolicyTestModels.LoadSource();
        var store = NewStore();

        var announced = store.Publish(source.Model, "exp", version: 0, step: 0);

        var folder = Path.Combine(store.Root, "v0");
        Assert.Equal(("exp", 0L, 0), (announced.Experiment, announced.Version, announced.Step));
        Assert.Equal("file://" + folder, announced.CheckpointUri);
        Assert.Equal(PolicyChecksum.Compute(folder), announced.Sha256);
        Assert.NotNull(announced.Created);
        Assert.Equal(["v0"], Entries(store.Root));   // no temp folder left beside it
        Assert.True(File.Exists(Path.Combine(folder, "tokenizer.json")));
    }

    [Fact]
    public void LoadInto_CorruptedFile_ThrowsNamingTheFolderAndBothHashes()
    {
        using var source = PolicyTestModels.LoadSource();
        var store = NewStore();
        var announced = store.Publish(source.Model, "exp", version: 1, step: 1);
        var weights = Path.Combine(store.VersionFolder(1), "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(weights, bytes);
        using var target = PolicyTestModels.Other(source.Config);

        var error = Assert.Throws<InvalidDataException>(() => store.LoadInto(announced, target));

        Assert.Contains(store.VersionFolder(1), error.Message, StringComparison.Ordinal);
        Assert.Contains(announced.Sha256, error.Message, StringComparison.Ordinal);
        Assert.Contains(PolicyChecksum.Compute(store.VersionFolder(1)), error.Message, StringComparison.Ordinal);
        Assert.False(PolicyTestModels.SameWeights(source.Model, target));   // nothing was loaded
    }

    [Fact]
    public void LoadInto_MissingFolder_ThrowsNamingIt()
    {
        using var source = PolicyTestModels.LoadSource();
        var store = NewStore();
        var announced = store.Publish(source.Model, "exp", version: 1, step: 1);
        Directory.Delete(store.VersionFolder(1), recursive: true);
        using var target = PolicyTestModels.Other(source.Config);

        var error = Assert.Throws<InvalidDataException>(() => store.LoadInto(announced, target));

        Assert.Contains(store.VersionFolder(1), error.Message, StringComparison.Ordinal);
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_KeepsTheNewestVersions()
    {
        using var source = PolicyTestModels.LoadSource();
        var store = NewStore(keep: 2);

        foreach (var version in new long[] { 1, 2, 3, 4 }) store.Publish(source.Model, "exp", version, (int)version);

        Assert.Equal(["v3", "v4"], Entries(store.Root));
    }

    [Fact]
    public void Publish_OlderVersionThanTheKeptOnes_KeepsTheOneJustPublished()
    {
        using var source = PolicyTestModels.LoadSource();
        var store = NewStore(keep: 2);
        foreach (var version in new long[] { 3, 4 }) store.Publish(source.Model, "exp", version, (int)version);

        store.Publish(source.Model, "exp", version: 1, step: 1);

        Assert.Equal(["v1", "v3", "v4"], Entries(store.Root));
    }

    [Fact]
    public void Publish_SameVersionAgain_ReplacesIt()
    {
        using var source = PolicyTestModels.LoadSource();
        using var retrained = PolicyTestModels.Other(source.Config, seed: 11);
        using var target = PolicyTestModels.Other(source.Config);
        var store = NewStore();
        var first = store.Publish(source.Model, "exp", version: 2, step: 2);

        var second = store.Publish(retrained, "exp", version: 2, step: 2);
        store.LoadInto(second, target);

        Assert.NotEqual(first.Sha256, second.Sha256);
        Assert.True(PolicyTestModels.SameWeights(retrained, target));
        Assert.Equal(["v2"], Entries(store.Root));
        Assert.Throws<InvalidDataException>(() => store.LoadInto(first, target));   // the old announcement no longer matches
    }
}
