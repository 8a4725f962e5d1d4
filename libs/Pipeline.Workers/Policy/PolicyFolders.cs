// What FolderPolicyStore (the learner's shared directory) and GrpcPolicyStore (a consumer's download cache) both do
// with `v<version>` folders: name them, install a finished temp folder in place, prune old ones, and verify one
// against its announcement before its weights are loaded.
using System.Globalization;
using Pipeline.Contracts.V1;
using Pipeline.Model.Checkpoints;
using Pipeline.Model.Qwen3;

namespace Pipeline.Workers.Policy;

/// <summary>Layout and life cycle of a directory of policy versions (<c>&lt;root&gt;/v&lt;version&gt;</c>).</summary>
internal static class PolicyFolders
{
    private const string FileScheme = "file://";

    public static string VersionFolder(string root, long version) =>
        Path.Combine(root, string.Create(CultureInfo.InvariantCulture, $"v{version}"));

    /// <summary>A fresh sibling to write into. Dot-prefixed so it never looks like a version and readers skip it.</summary>
    public static string NewTempFolder(string root, long version) =>
        Path.Combine(root, string.Create(CultureInfo.InvariantCulture, $".tmp-v{version}-{Guid.NewGuid():N}"));

    /// <summary>
    /// Moves the finished <paramref name="temp"/> folder to <paramref name="final"/>, replacing an earlier one. A
    /// directory rename cannot replace a non-empty directory, so an old folder is first renamed aside: a reader sees
    /// the old folder, briefly none, or the new one — never a half-written one.
    /// </summary>
    public static void Install(string temp, string final)
    {
        string? aside = null;
        if (Directory.Exists(final))
        {
            aside = Path.Combine(Path.GetDirectoryName(final)!, $".old-{Path.GetFileName(final)}-{Guid.NewGuid():N}");
            Directory.Move(final, aside);
        }
        Directory.Move(temp, final);
        if (aside is not null) TryDelete(aside);
    }

    /// <summary>Deletes all but the newest <paramref name="keep"/> version folders, never a <paramref name="protect"/>ed one.</summary>
    public static void Prune(string root, int keep, Func<long, bool> protect)
    {
        var versions = Directory.EnumerateDirectories(root)
            .Select(path => (Path: path, Version: ParseVersion(Path.GetFileName(path))))
            .Where(v => v.Version is not null)
            .OrderByDescending(v => v.Version)
            .ToList();
        foreach (var (path, version) in versions.Skip(keep).Where(v => !protect(v.Version!.Value))) TryDelete(path);
    }

    /// <summary>Removes a folder left behind by a failed write; a failure to remove it must not hide the first error.</summary>
    public static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the next prune (or a person): a stale folder costs disk, not correctness.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The <c>file://</c> URI of a folder; each path segment is percent-escaped so any name survives.</summary>
    public static string FileUri(string folder)
    {
        var segments = Path.GetFullPath(folder).Split(Path.DirectorySeparatorChar).Select(Uri.EscapeDataString);
        var path = string.Join('/', segments);
        return FileScheme + (path.StartsWith('/') ? path : "/" + path);
    }

    /// <summary>The local folder an announcement's <c>file://</c> URI names.</summary>
    /// <exception cref="InvalidDataException">The URI is not a <c>file://</c> URI.</exception>
    public static string FolderOf(PolicyVersion version)
    {
        if (!version.CheckpointUri.StartsWith(FileScheme, StringComparison.Ordinal))
            throw new InvalidDataException($"policy version {version.Version}: '{version.CheckpointUri}' is not a file:// URI");
        return Uri.UnescapeDataString(version.CheckpointUri[FileScheme.Length..]);
    }

    /// <summary>True when <paramref name="folder"/> exists and its checksum is the announced one.</summary>
    public static bool Matches(string folder, PolicyVersion version) =>
        Directory.Exists(folder) && string.Equals(PolicyChecksum.Compute(folder), version.Sha256, StringComparison.OrdinalIgnoreCase);

    /// <summary>Checks <paramref name="folder"/> against the announcement, then copies its weights into <paramref name="target"/>.</summary>
    /// <exception cref="InvalidDataException">The folder is missing, the announcement has no checksum, or the checksums differ.</exception>
    public static void VerifyAndLoad(string folder, PolicyVersion version, Qwen3ForCausalLM target)
    {
        if (string.IsNullOrEmpty(version.Sha256))
            throw new InvalidDataException($"{folder}: policy version {version.Version} was announced without a sha256");
        if (!Directory.Exists(folder))
            throw new InvalidDataException($"{folder}: policy version {version.Version} is missing (announced sha256 {version.Sha256})");
        var actual = PolicyChecksum.Compute(folder);
        if (!string.Equals(actual, version.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException(
                $"{folder}: policy version {version.Version} fails its checksum: announced sha256 {version.Sha256}, the folder's is {actual}");
        // The files are read a second time here. A republish of the same version in between writes the same weights,
        // and anything else that changes the folder is outside the protocol, so the window is accepted.
        CheckpointLoader.LoadInto(target, folder);
    }

    private static long? ParseVersion(string name) =>
        name.Length > 1 && name[0] == 'v' && long.TryParse(name.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version : null;
}
