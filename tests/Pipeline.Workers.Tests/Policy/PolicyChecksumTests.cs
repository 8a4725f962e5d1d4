using Pipeline.Workers.Policy;

namespace Pipeline.Workers.Tests.Policy;

public sealed class PolicyChecksumTests
{
    private static string Folder(params (string Path, byte[] Content)[] files)
    {
        var folder = PolicyTestModels.NewFolder("checksum");
        foreach (var (path, content) in files)
        {
            var full = Path.Combine(folder, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllBytes(full, content);
        }
        return folder;
    }

    private static string Sample() => Folder(("config.json", "{\"a\":1}"u8.ToArray()), ("Z.txt", "hello"u8.ToArray()),
        ("sub/b.bin", [0, 1, 2]), ("empty", []));

    [Fact]
    public void Compute_KnownFolder_MatchesTheDocumentedDefinition()
    {
        // Reproduced outside .NET (Python: hashlib.sha256 over path + b"\0" + struct.pack("<Q", len) + content for
        // each file, paths sorted by UTF-8 bytes: Z.txt, config.json, empty, sub/b.bin), to pin the definition.
        var sha256 = PolicyChecksum.Compute(Sample());

        Assert.Equal("f05ddf2a9a98549b7556773f179480fb0bae3ad83c819d9c4930a5fa8d227966", sha256);
    }

    [Fact]
    public void Compute_SameFilesInAnotherFolder_IsTheSame()
    {
        var first = PolicyChecksum.Compute(Sample());

        var second = PolicyChecksum.Compute(Sample());

        Assert.Equal(first, second);
    }

    [Fact]
    public void Compute_RenamedFile_Changes()
    {
        var folder = Sample();
        var before = PolicyChecksum.Compute(folder);

        File.Move(Path.Combine(folder, "Z.txt"), Path.Combine(folder, "Y.txt"));

        Assert.NotEqual(before, PolicyChecksum.Compute(folder));
    }

    [Fact]
    public void Compute_OneByteChanged_Changes()
    {
        var folder = Sample();
        var before = PolicyChecksum.Compute(folder);

        File.WriteAllBytes(Path.Combine(folder, "sub", "b.bin"), [0, 1, 3]);

        Assert.NotEqual(before, PolicyChecksum.Compute(folder));
    }

    [Fact]
    public void Compute_ExtraEmptyFile_Changes()
    {
        var folder = Sample();
        var before = PolicyChecksum.Compute(folder);

        File.WriteAllBytes(Path.Combine(folder, "extra"), []);

        Assert.NotEqual(before, PolicyChecksum.Compute(folder));
    }

    [Fact]
    public void Compute_BytesMovedBetweenFiles_Changes()
    {
        // The same concatenated bytes split differently: only the length framing tells them apart.
        var a = PolicyChecksum.Compute(Folder(("a", [1, 2]), ("b", [3])));

        var b = PolicyChecksum.Compute(Folder(("a", [1]), ("b", [2, 3])));

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Compute_MissingFolder_ThrowsNamingIt()
    {
        var folder = PolicyTestModels.NewFolder("checksum-missing");

        var error = Assert.Throws<DirectoryNotFoundException>(() => PolicyChecksum.Compute(folder));

        Assert.Contains(folder, error.Message, StringComparison.Ordinal);
    }
}
