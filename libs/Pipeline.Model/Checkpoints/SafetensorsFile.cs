using Microsoft.Win32.SafeHandles;
using TorchSharp;

namespace Pipeline.Model.Checkpoints;

/// <summary>
/// An open safetensors file, read tensor by tensor. Opening reads and checks only the header
/// (<see cref="SafetensorsHeader"/>); <see cref="Read"/> reads one tensor's bytes straight from the file into a CPU
/// tensor of the file's dtype and then converts it to the asked dtype and device, so loading a multi-GB checkpoint
/// holds at most one tensor twice, never the whole file.
/// </summary>
/// <remarks>
/// Why not TorchSharp.PyBridge's safetensors support (checked in 1.4.4): its reader does not validate offsets,
/// overlaps, sizes or truncation (a bad file fails deep inside with a message that names neither file nor tensor),
/// and its writer emits no <c>__metadata__</c> block and no 8-byte header padding, and counts the header length in
/// UTF-16 chars rather than bytes. This reader and <see cref="SafetensorsWriter"/> are small and follow the spec and
/// the reference Rust implementation.
/// </remarks>
public sealed class SafetensorsFile : IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly Dictionary<string, SafetensorsEntry> _entries;

    private SafetensorsFile(string path, SafeFileHandle file, SafetensorsHeader header)
    {
        Path = path;
        _file = file;
        Header = header;
        _entries = header.Tensors.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    /// <summary>The file's path, as given to <see cref="Open"/>.</summary>
    public string Path { get; }

    /// <summary>The checked header.</summary>
    public SafetensorsHeader Header { get; }

    /// <summary>The <c>__metadata__</c> block (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata => Header.Metadata;

    /// <summary>Tensor names, sorted ordinally.</summary>
    public IReadOnlyList<string> Names => [.. _entries.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Opens <paramref name="path"/> and checks its header.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Truncated or corrupt; the message names the file.</exception>
    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file", path);
        var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            return new SafetensorsFile(path, file, SafetensorsHeader.Read(file, path));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads every tensor of <paramref name="path"/> (see <see cref="Read"/> for the conversion).</summary>
    public static Dictionary<string, torch.Tensor> Load(string path, torch.ScalarType? dtype = null, torch.Device? device = null)
    {
        using var file = Open(path);
        return file.ReadAll(dtype, device);
    }

    /// <summary>Whether the file holds a tensor named <paramref name="name"/>.</summary>
    public bool Contains(string name) => _entries.ContainsKey(name);

    /// <summary>The header entry of <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such tensor; the message names file and tensor.</exception>
    public SafetensorsEntry Entry(string name) =>
        _entries.TryGetValue(name, out var entry) ? entry : throw new KeyNotFoundException($"{Path}: no tensor named '{name}'");

    /// <summary>
    /// Reads tensor <paramref name="name"/> and converts it to <paramref name="dtype"/> (default: the file's dtype) on
    /// <paramref name="device"/> (default: CPU). On CPU the models compute in float32, so BF16/F16 weights are upcast
    /// here (exactly: every BF16/F16 value is a float32 value); on CUDA keep bfloat16. The caller owns the result.
    /// </summary>
    public torch.Tensor Read(string name, torch.ScalarType? dtype = null, torch.Device? device = null)
    {
        ObjectDisposedException.ThrowIf(_file.IsClosed, this);
        var entry = Entry(name);
        var raw = torch.empty(entry.Shape, entry.ScalarType);
        try
        {
            TensorBytes.Read(raw, _file, Header.DataStart + entry.Start, Path);
            var target = dtype ?? entry.ScalarType;
            var onCpu = device is null || device.type == DeviceType.CPU;
            if (target == entry.ScalarType && onCpu) return raw;
            var converted = raw.to(target, device ?? torch.CPU);
            raw.Dispose();
            return converted;
        }
        catch
        {
            raw.Dispose();
            throw;
        }
    }

    /// <summary>Reads every tensor, by name (see <see cref="Read"/>).</summary>
    public Dictionary<string, torch.Tensor> ReadAll(torch.ScalarType? dtype = null, torch.Device? device = null) =>
        TensorDictionary.ReadAll(Names, name => Read(name, dtype, device));

    public void Dispose() => _file.Dispose();
}
