// The checksum a policy announcement carries (PolicyVersion.sha256). Its definition is a contract between the learner
// and every consumer, possibly written in another language, so it is spelled out byte by byte below and must not change:
// a new definition needs a new field.
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Workers.Policy;

/// <summary>
/// SHA-256 of a policy folder, as lowercase hex. Definition (stable; reproduce it exactly elsewhere):
/// <list type="number">
/// <item>Take every regular file under the folder, recursively, and its path relative to the folder with <c>/</c>
/// as the separator.</item>
/// <item>Sort the files by that relative path, comparing the UTF-8 bytes (ordinal).</item>
/// <item>For each file in that order, feed one SHA-256 with: the relative path as UTF-8, one <c>0x00</c> byte, the
/// file's length in bytes as an unsigned 64-bit little-endian integer (8 bytes), then the file's content.</item>
/// <item>The result is the digest as 64 lowercase hex characters. An empty folder hashes nothing: the SHA-256 of no
/// bytes.</item>
/// </list>
/// The path and the length are framed in so that renaming a file, or moving bytes from the end of one file to the
/// start of the next, changes the checksum.
/// </summary>
public static class PolicyChecksum
{
    private const int BufferBytes = 1 << 20;

    /// <summary>Computes the checksum of <paramref name="folder"/>, streaming each file (never loaded whole).</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static string Compute(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: no such policy folder");
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[BufferBytes];
        Span<byte> length = stackalloc byte[8];
        foreach (var relative in RelativeFiles(folder))
        {
            using var stream = new FileStream(Path.Combine(folder, relative), FileMode.Open, FileAccess.Read, FileShare.Read,
                bufferSize: 1, FileOptions.SequentialScan);
            sha.AppendData(Encoding.UTF8.GetBytes(relative));
            sha.AppendData([0]);
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)stream.Length);
            sha.AppendData(length);
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0) sha.AppendData(buffer, 0, read);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>The folder's files as relative paths with <c>/</c> separators, in the checksum's (ordinal) order.</summary>
    public static IReadOnlyList<string> RelativeFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(Utf8Ordinal.Instance)
            .ToList();

    // StringComparer.Ordinal compares UTF-16 code units, which orders characters above U+FFFF before U+E000..U+FFFF;
    // UTF-8 byte order is what another language gets from sorting the encoded names, so the definition uses that.
    private sealed class Utf8Ordinal : IComparer<string>
    {
        public static readonly Utf8Ordinal Instance = new();

        public int Compare(string? x, string? y) =>
            Encoding.UTF8.GetBytes(x ?? "").AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y ?? ""));
    }
}
