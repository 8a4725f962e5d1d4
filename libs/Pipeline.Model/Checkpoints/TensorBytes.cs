using Microsoft.Win32.SafeHandles;
using TorchSharp;

namespace Pipeline.Model.Checkpoints;

/// <summary>Shape arithmetic and text for checkpoint messages.</summary>
internal static class Shapes
{
    public static string Format(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";

    /// <summary>Elements × element size, or -1 when that overflows a long (a corrupt header).</summary>
    public static long ByteCount(IEnumerable<long> shape, int elementSize)
    {
        try
        {
            return checked(shape.Aggregate(1L, (product, dim) => product * dim) * elementSize);
        }
        catch (OverflowException)
        {
            return -1;
        }
    }
}

/// <summary>
/// Moves a tensor's raw bytes between a CPU tensor and a file without an intermediate managed buffer: the file is
/// read straight into the tensor's memory (<c>Tensor.bytes</c> is a span over it), in chunks because a span holds at
/// most 2 GB. Little-endian hosts only, like the format.
/// </summary>
internal static class TensorBytes
{
    public const long DefaultChunkBytes = 1L << 30;

    /// <summary>Fills the contiguous CPU tensor <paramref name="tensor"/> from <paramref name="file"/> at <paramref name="offset"/>.</summary>
    public static void Read(torch.Tensor tensor, SafeFileHandle file, long offset, string path, long chunkBytes = DefaultChunkBytes)
    {
        EnsureLittleEndian();
        foreach (var (part, byteOffset) in Chunks(tensor, chunkBytes))
        {
            using (part) SafetensorsHeader.ReadExactly(file, part.bytes, offset + byteOffset, path);
        }
    }

    /// <summary>Writes the bytes of the contiguous CPU tensor <paramref name="tensor"/> to <paramref name="stream"/>.</summary>
    public static void Write(torch.Tensor tensor, Stream stream, long chunkBytes = DefaultChunkBytes)
    {
        EnsureLittleEndian();
        foreach (var (part, _) in Chunks(tensor, chunkBytes))
        {
            using (part) stream.Write(part.bytes);
        }
    }

    /// <summary>Views of consecutive pieces of the flattened tensor, each at most <paramref name="chunkBytes"/>.</summary>
    private static IEnumerable<(torch.Tensor Part, long ByteOffset)> Chunks(torch.Tensor tensor, long chunkBytes)
    {
        if (tensor.device_type != DeviceType.CPU || !tensor.is_contiguous())
            throw new ArgumentException("raw tensor bytes need a contiguous CPU tensor", nameof(tensor));
        var total = tensor.numel();
        if (total == 0) yield break;
        var elementSize = tensor.element_size();
        var perChunk = Math.Max(1, chunkBytes / elementSize);
        using var flat = tensor.view(-1);
        for (long start = 0; start < total; start += perChunk)
        {
            yield return (flat.narrow(0, start, Math.Min(perChunk, total - start)), start * elementSize);
        }
    }

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors data is little-endian; this host is not");
    }
}
