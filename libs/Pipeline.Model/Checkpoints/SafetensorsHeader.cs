using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using TorchSharp;

namespace Pipeline.Model.Checkpoints;

/// <summary>One tensor of a safetensors file: offsets are relative to the data section that follows the header.</summary>
public sealed record SafetensorsEntry(string Name, string Dtype, torch.ScalarType ScalarType, long[] Shape, long Start, long End)
{
    /// <summary>Bytes the tensor takes in the file.</summary>
    public long ByteLength => End - Start;

    /// <summary>The shape as <c>[2, 3]</c>, for messages.</summary>
    public string ShapeText => Shapes.Format(Shape);
}

/// <summary>
/// The parsed and checked header of a safetensors file (format: https://github.com/huggingface/safetensors —
/// u64 little-endian header length N, N bytes of UTF-8 JSON mapping each tensor name to dtype, shape and
/// <c>data_offsets</c> [begin, end) into the data section, and an optional <c>__metadata__</c> map of strings).
/// Checked as strictly as the reference Rust reader: the header fits in the file, every dtype is known, shape ×
/// element size equals the byte span, the spans tile the data section exactly (no overlap, no gap), and the data
/// section ends at the end of the file. Every problem found is reported at once, each naming the file.
/// </summary>
public sealed record SafetensorsHeader(IReadOnlyDictionary<string, string> Metadata, IReadOnlyList<SafetensorsEntry> Tensors, long DataStart)
{
    /// <summary>The reference implementation refuses headers above 100 MB; so do we (a corrupt length is likely).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Reads and checks the header of the open file <paramref name="file"/>; <paramref name="path"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">The file is truncated or its header is corrupt.</exception>
    public static SafetensorsHeader Read(SafeFileHandle file, string path)
    {
        var fileLength = RandomAccess.GetLength(file);
        if (fileLength < 8)
            throw Corrupt(path, $"truncated: {fileLength} bytes, but a safetensors file starts with an 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(file, prefix, 0, path);
        var headerLength = BitConverter.ToUInt64(prefix);
        if (headerLength > MaxHeaderBytes)
            throw Corrupt(path, $"header length {headerLength} exceeds {MaxHeaderBytes} bytes: corrupt or not a safetensors file");
        if ((long)headerLength > fileLength - 8)
            throw Corrupt(path, $"truncated: the header claims {headerLength} bytes but only {fileLength - 8} follow the length prefix");
        var json = new byte[headerLength];
        ReadExactly(file, json, 8, path);
        return Parse(json, 8 + (long)headerLength, fileLength, path);
    }

    /// <summary>Checks a header's JSON, given where the data starts and how long the file is.</summary>
    public static SafetensorsHeader Parse(ReadOnlyMemory<byte> json, long dataStart, long fileLength, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw Corrupt(path, $"the header is not valid JSON ({e.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw Corrupt(path, "the header is not a JSON object");
            var problems = new List<string>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<SafetensorsEntry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name)) problems.Add($"'{property.Name}' appears twice in the header");
                else if (property.Name == "__metadata__") ParseMetadata(property.Value, metadata, problems);
                else if (ParseEntry(property.Name, property.Value, problems) is { } entry) entries.Add(entry);
            }
            entries.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End));
            if (problems.Count == 0) CheckLayout(entries, fileLength - dataStart, problems);
            if (problems.Count > 0) throw Corrupt(path, problems);
            return new SafetensorsHeader(metadata, entries, dataStart);
        }
    }

    private static void ParseMetadata(JsonElement value, Dictionary<string, string> metadata, List<string> problems)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add("__metadata__ must be an object of strings");
            return;
        }
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind == JsonValueKind.String) metadata[item.Name] = item.Value.GetString()!;
            else problems.Add($"__metadata__.{item.Name} must be a string, got {item.Value.ValueKind}");
        }
    }

    private static SafetensorsEntry? ParseEntry(string name, JsonElement value, List<string> problems)
    {
        var before = problems.Count;
        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"tensor '{name}': expected an object with dtype, shape and data_offsets");
            return null;
        }
        var dtype = value.TryGetProperty("dtype", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : null;
        var shape = ReadLongs(value, "shape");
        var offsets = ReadLongs(value, "data_offsets");
        if (dtype is null) problems.Add($"tensor '{name}': missing or non-string dtype");
        if (shape is null) problems.Add($"tensor '{name}': shape must be a list of non-negative integers");
        if (offsets is not { Length: 2 } || offsets[0] > offsets[1])
            problems.Add($"tensor '{name}': data_offsets must be [begin, end] with 0 ≤ begin ≤ end");
        torch.ScalarType type = default;
        var size = 0;
        if (dtype is not null && !SafetensorsDtypes.TryParse(dtype, out type, out size))
            problems.Add($"tensor '{name}': unknown or unsupported dtype '{dtype}' (supported: {SafetensorsDtypes.Supported})");
        if (problems.Count > before) return null;

        var entry = new SafetensorsEntry(name, dtype!, type, shape!, offsets![0], offsets[1]);
        var bytes = Shapes.ByteCount(shape!, size);
        if (bytes != entry.ByteLength)
            problems.Add($"tensor '{name}': shape {entry.ShapeText} × {dtype} needs {(bytes < 0 ? "more than 2^63" : bytes.ToString())} bytes, but data_offsets span {entry.ByteLength}");
        return entry;
    }

    private static long[]? ReadLongs(JsonElement parent, string field)
    {
        if (!parent.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array) return null;
        var values = new long[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out values[i]) || values[i] < 0) return null;
            i++;
        }
        return values;
    }

    /// <summary>Spans sorted by offset must tile [0, data length) exactly, as the reference reader requires.</summary>
    private static void CheckLayout(List<SafetensorsEntry> entries, long dataLength, List<string> problems)
    {
        long end = 0;
        SafetensorsEntry? previous = null;
        foreach (var entry in entries)
        {
            if (entry.Start < end)
                problems.Add($"tensors '{previous!.Name}' [{previous.Start}, {previous.End}) and '{entry.Name}' [{entry.Start}, {entry.End}) overlap");
            else if (entry.Start > end)
                problems.Add($"data bytes [{end}, {entry.Start}) belong to no tensor (before '{entry.Name}')");
            if (entry.End > end) (end, previous) = (entry.End, entry);
        }
        if (end > dataLength)
            problems.Add($"truncated: the tensors need {end} bytes of data but only {dataLength} follow the header" +
                         (previous is null ? "" : $" (tensor '{previous.Name}' ends at {previous.End})"));
        else if (end < dataLength)
            problems.Add($"{dataLength - end} bytes after the last tensor belong to no tensor");
    }

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes at <paramref name="offset"/> or fails naming the file.</summary>
    internal static void ReadExactly(SafeFileHandle file, Span<byte> buffer, long offset, string path)
    {
        while (!buffer.IsEmpty)
        {
            var read = RandomAccess.Read(file, buffer, offset);
            if (read == 0) throw Corrupt(path, $"truncated: unexpected end of file at byte {offset}");
            buffer = buffer[read..];
            offset += read;
        }
    }

    internal static InvalidDataException Corrupt(string path, string problem) => new($"{path}: {problem}");

    private static InvalidDataException Corrupt(string path, List<string> problems) =>
        problems.Count == 1 ? Corrupt(path, problems[0])
            : new InvalidDataException(new StringBuilder($"{path}: {problems.Count} problems in the safetensors header:")
                .AppendJoin("", problems.Select(p => $"{Environment.NewLine}  {p}")).ToString());
}
