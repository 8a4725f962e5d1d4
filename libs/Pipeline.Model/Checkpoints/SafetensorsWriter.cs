using System.Text.Encodings.Web;
using System.Text.Json;
using TorchSharp;

namespace Pipeline.Model.Checkpoints;

/// <summary>
/// Writes safetensors files laid out as the reference Rust implementation does: tensors ordered by descending
/// element size, then by name (so every tensor's data is aligned to its element size), the header JSON padded with
/// spaces to a multiple of 8 bytes, and a <c>__metadata__</c> block first — <c>{"format":"pt"}</c> by default, which
/// transformers expects. Tensors are converted one at a time to a contiguous CPU copy and streamed to the file;
/// the file is written under a temporary name and renamed into place, so a reader never sees half a file.
/// See <see cref="SafetensorsFile"/> for why this is not TorchSharp.PyBridge's writer.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>The metadata transformers writes and expects (<c>{"format": "pt"}</c>).</summary>
    public static IReadOnlyDictionary<string, string> PyTorchMetadata { get; } = new Dictionary<string, string> { ["format"] = "pt" };

    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Writes <paramref name="tensors"/> to <paramref name="path"/>. <paramref name="metadata"/>: null writes
    /// <see cref="PyTorchMetadata"/>; an empty map writes no <c>__metadata__</c> block. <paramref name="dtype"/>, when
    /// given, converts every floating-point tensor (integer tensors keep their type).
    /// </summary>
    /// <returns>Bytes of tensor data written (the sum of the tensors' sizes, as in an index's total_size).</returns>
    public static long Write(string path, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null, torch.ScalarType? dtype = null)
    {
        var temporary = path + ".tmp";
        try
        {
            long written;
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                written = Write(stream, tensors, metadata, dtype);
            }
            File.Move(temporary, path, overwrite: true);
            return written;
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    /// <summary>Writes the file's bytes to <paramref name="stream"/> (see the path overload).</summary>
    public static long Write(Stream stream, IEnumerable<KeyValuePair<string, torch.Tensor>> tensors,
        IReadOnlyDictionary<string, string>? metadata = null, torch.ScalarType? dtype = null)
    {
        var plan = Plan(tensors, dtype);
        var header = HeaderBytes(plan, metadata ?? PyTorchMetadata);
        stream.Write(BitConverter.GetBytes((ulong)header.Length));
        stream.Write(header);
        foreach (var item in plan)
        {
            var cpu = item.Tensor.to(item.Type, torch.CPU);
            var contiguous = cpu.contiguous();
            try
            {
                TensorBytes.Write(contiguous, stream);
            }
            finally
            {
                // TorchSharp 0.107 returns new handles even when nothing changes; never dispose the caller's tensor itself.
                if (!ReferenceEquals(contiguous, item.Tensor) && !ReferenceEquals(contiguous, cpu)) contiguous.Dispose();
                if (!ReferenceEquals(cpu, item.Tensor)) cpu.Dispose();
            }
        }
        return plan.Count == 0 ? 0 : plan[^1].End;
    }

    /// <summary>The safetensors size in bytes of <paramref name="tensor"/> saved as <paramref name="dtype"/> (default: its own).</summary>
    public static long ByteSize(torch.Tensor tensor, torch.ScalarType? dtype = null) =>
        tensor.numel() * SafetensorsDtypes.ElementSize(TargetType(tensor, dtype));

    private sealed record Planned(string Name, torch.Tensor Tensor, torch.ScalarType Type, long Start, long End);

    private static List<Planned> Plan(IEnumerable<KeyValuePair<string, torch.Tensor>> tensors, torch.ScalarType? dtype)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var items = new List<(string Name, torch.Tensor Tensor, torch.ScalarType Type)>();
        foreach (var (name, tensor) in tensors)
        {
            if (string.IsNullOrEmpty(name) || name == "__metadata__")
                throw new ArgumentException($"'{name}' cannot name a tensor in a safetensors file", nameof(tensors));
            if (!seen.Add(name)) throw new ArgumentException($"tensor '{name}' is given twice", nameof(tensors));
            items.Add((name, tensor, TargetType(tensor, dtype)));
        }
        items.Sort((a, b) =>
        {
            var bySize = SafetensorsDtypes.ElementSize(b.Type).CompareTo(SafetensorsDtypes.ElementSize(a.Type));
            return bySize != 0 ? bySize : string.CompareOrdinal(a.Name, b.Name);
        });
        var plan = new List<Planned>(items.Count);
        long offset = 0;
        foreach (var (name, tensor, type) in items)
        {
            var length = tensor.numel() * SafetensorsDtypes.ElementSize(type);
            plan.Add(new Planned(name, tensor, type, offset, offset + length));
            offset += length;
        }
        return plan;
    }

    private static torch.ScalarType TargetType(torch.Tensor tensor, torch.ScalarType? dtype)
    {
        var type = dtype is { } d && tensor.is_floating_point() ? d : tensor.dtype;
        SafetensorsDtypes.NameOf(type); // throws for a type safetensors cannot hold here
        return type;
    }

    private static byte[] HeaderBytes(List<Planned> plan, IReadOnlyDictionary<string, string> metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
        {
            json.WriteStartObject();
            if (metadata.Count > 0)
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
            }
            foreach (var item in plan)
            {
                json.WriteStartObject(item.Name);
                json.WriteString("dtype", SafetensorsDtypes.NameOf(item.Type));
                json.WriteStartArray("shape");
                foreach (var dim in item.Tensor.shape) json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(item.Start);
                json.WriteNumberValue(item.End);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        var padding = (8 - (int)(buffer.Length % 8)) % 8;
        for (var i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }
}
