using TorchSharp;

namespace Pipeline.Model.Checkpoints;

/// <summary>
/// The safetensors dtype names this project reads and writes, and their TorchSharp scalar types. Model weights come
/// as F32, BF16 or F16; F64/I64/I32 are accepted too because they cost nothing. The other names of the spec (U8,
/// BOOL, F8_*, ...) are refused with a clear error rather than half-supported.
/// </summary>
public static class SafetensorsDtypes
{
    private static readonly (string Name, torch.ScalarType Type, int Size)[] Table =
    [
        ("F64", torch.ScalarType.Float64, 8),
        ("I64", torch.ScalarType.Int64, 8),
        ("F32", torch.ScalarType.Float32, 4),
        ("I32", torch.ScalarType.Int32, 4),
        ("BF16", torch.ScalarType.BFloat16, 2),
        ("F16", torch.ScalarType.Float16, 2),
    ];

    /// <summary>The dtype names accepted, for error messages.</summary>
    public static string Supported => string.Join(", ", Table.Select(t => t.Name));

    /// <summary>The scalar type and element size of a safetensors dtype name; false when not supported.</summary>
    public static bool TryParse(string name, out torch.ScalarType type, out int elementSize)
    {
        foreach (var entry in Table)
        {
            if (entry.Name != name) continue;
            (type, elementSize) = (entry.Type, entry.Size);
            return true;
        }
        (type, elementSize) = (default, 0);
        return false;
    }

    /// <summary>The safetensors name of <paramref name="type"/>.</summary>
    /// <exception cref="NotSupportedException">The scalar type has no supported safetensors name.</exception>
    public static string NameOf(torch.ScalarType type)
    {
        foreach (var entry in Table)
        {
            if (entry.Type == type) return entry.Name;
        }
        throw new NotSupportedException($"tensors of type {type} cannot be written to safetensors here; supported: {Supported}");
    }

    /// <summary>Bytes per element of <paramref name="type"/> (a supported type).</summary>
    public static int ElementSize(torch.ScalarType type)
    {
        foreach (var entry in Table)
        {
            if (entry.Type == type) return entry.Size;
        }
        throw new NotSupportedException($"tensors of type {type} are not supported; supported: {Supported}");
    }

    /// <summary>The name transformers uses for a dtype in config.json (<c>torch_dtype</c>/<c>dtype</c>): "bfloat16", ...</summary>
    public static string TorchName(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Float32 => "float32",
        torch.ScalarType.BFloat16 => "bfloat16",
        torch.ScalarType.Float16 => "float16",
        torch.ScalarType.Float64 => "float64",
        _ => throw new NotSupportedException($"{type} is not a floating-point type a model can be saved in"),
    };
}
