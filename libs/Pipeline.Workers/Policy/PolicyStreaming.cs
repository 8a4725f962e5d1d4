// Both ends of Learner.GetPolicy: a policy folder as a stream of PolicyChunk messages, so weights of any size travel
// without one large message. The sender walks files in PolicyChecksum's order; the receiver trusts nothing it is sent
// (paths, offsets, ordering) and writes only below the folder it was given. Integrity is the caller's check: the
// received folder's PolicyChecksum against the announcement.
using Google.Protobuf;
using Grpc.Core;
using Pipeline.Contracts.V1;

namespace Pipeline.Workers.Policy;

/// <summary>Streams a policy folder as <see cref="PolicyChunk"/>s (server side) and writes one back to disk (client side).</summary>
public static class PolicyStreaming
{
    /// <summary>The default chunk size: 1 MiB, well under gRPC's default 4 MiB message limit.</summary>
    public const int DefaultChunkBytes = 1 << 20;

    /// <summary>
    /// Sends every file of <paramref name="folder"/> in <see cref="PolicyChecksum.RelativeFiles"/> order, each in
    /// chunks of at most <paramref name="chunkBytes"/> bytes. <paramref name="version"/> rides on the first chunk
    /// only; each file's final chunk has <c>last</c> set; an empty file is sent as one empty, last chunk.
    /// </summary>
    /// <remarks>Writes with <c>WriteAsync(message, cancellationToken)</c>, so a stalled client cannot hold the call
    /// past cancellation; a hand-written <paramref name="writer"/> must implement that overload.</remarks>
    /// <exception cref="RpcException">NotFound: the folder is missing or holds no files.</exception>
    public static async Task WriteAsync(PolicyVersion version, string folder, IServerStreamWriter<PolicyChunk> writer,
        int chunkBytes = DefaultChunkBytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 1);
        var files = Directory.Exists(folder) ? PolicyChecksum.RelativeFiles(folder) : [];
        if (files.Count == 0)
            throw new RpcException(new Status(StatusCode.NotFound, $"policy version {version.Version}: {folder} is missing or empty"));
        var buffer = new byte[chunkBytes];
        var first = true;
        foreach (var file in files)
        {
            await using var stream = new FileStream(Path.Combine(folder, file), FileMode.Open, FileAccess.Read, FileShare.Read,
                bufferSize: 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            var length = stream.Length;
            long offset = 0;
            do
            {
                var size = (int)Math.Min(chunkBytes, length - offset);
                await stream.ReadExactlyAsync(buffer.AsMemory(0, size), cancellationToken).ConfigureAwait(false);
                var chunk = new PolicyChunk
                {
                    File = file, Offset = offset, Data = ByteString.CopyFrom(buffer, 0, size), Last = offset + size == length,
                };
                if (first) chunk.Policy = version;
                first = false;
                await writer.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                offset += size;
            }
            while (offset < length);
        }
    }

    /// <summary>
    /// Writes a received stream into <paramref name="folder"/> (created; expected new and empty) and returns the
    /// announcement from its first chunk. Files must arrive one after another, each from offset 0 with contiguous
    /// offsets up to a chunk marked <c>last</c>.
    /// </summary>
    /// <exception cref="InvalidDataException">The stream breaks the protocol: no chunks, no announcement first, a path
    /// that is absolute or leaves the folder, a gap or overlap in offsets, a file sent twice or left unfinished.</exception>
    public static async Task<PolicyVersion> ReadAsync(IAsyncStreamReader<PolicyChunk> chunks, string folder,
        CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(folder);
        var root = Path.GetFullPath(folder);
        var finished = new HashSet<string>(StringComparer.Ordinal);
        PolicyVersion? policy = null;
        FileStream? open = null;
        string? openFile = null;
        try
        {
            while (await chunks.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                var chunk = chunks.Current;
                policy ??= chunk.Policy ?? throw new InvalidDataException("policy stream: the first chunk carries no policy version");
                if (openFile != chunk.File)
                {
                    if (openFile is not null) throw new InvalidDataException($"policy stream: '{openFile}' ended without its last chunk");
                    if (!finished.Add(chunk.File)) throw new InvalidDataException($"policy stream: '{chunk.File}' was sent twice");
                    var path = SafePath(root, chunk.File);
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    open = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous);
                    openFile = chunk.File;
                }
                if (chunk.Offset != open!.Position)
                    throw new InvalidDataException($"policy stream: '{chunk.File}' chunk at offset {chunk.Offset}, expected {open.Position}");
                await open.WriteAsync(chunk.Data.Memory, cancellationToken).ConfigureAwait(false);
                if (!chunk.Last) continue;
                await open.DisposeAsync().ConfigureAwait(false);
                (open, openFile) = (null, null);
            }
        }
        finally
        {
            if (open is not null) await open.DisposeAsync().ConfigureAwait(false);
        }
        if (openFile is not null) throw new InvalidDataException($"policy stream: ended in the middle of '{openFile}'");
        return policy ?? throw new InvalidDataException("policy stream: no chunks were received");
    }

    /// <summary>Where a sent relative path goes below <paramref name="root"/>; anything that could escape it is refused.</summary>
    private static string SafePath(string root, string file)
    {
        var segments = file.Split('/', '\\');
        if (file.Length == 0 || Path.IsPathRooted(file) || file[0] is '/' or '\\' || file.Contains('\0', StringComparison.Ordinal)
            || segments.Any(s => s is "" or "." or ".."))
            throw new InvalidDataException($"policy stream: refusing file path '{file}' (must be relative, without '.', '..' or empty segments)");
        var path = Path.GetFullPath(Path.Combine(root, Path.Combine(segments)));
        // Belt and braces: the checks above already keep the path inside root.
        if (!path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new InvalidDataException($"policy stream: refusing file path '{file}' (outside the folder)");
        return path;
    }
}
