using System.Text;
using TorchSharp;

namespace Pipeline.Model.Tests.Checkpoints;

/// <summary>A fresh temporary folder per test, deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pipeline-ckpt-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}

/// <summary>Hand-made safetensors bytes and tensor comparisons for the checkpoint tests.</summary>
internal static class CheckpointTestFiles
{
    /// <summary>A file with exactly this header text (no padding added) followed by <paramref name="data"/>.</summary>
    public static byte[] Raw(string headerJson, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        return [.. BitConverter.GetBytes((ulong)header.Length), .. header, .. data];
    }

    /// <summary>The header JSON of a file written by our writer (trailing padding included).</summary>
    public static string HeaderText(byte[] file) => Encoding.UTF8.GetString(file, 8, (int)BitConverter.ToUInt64(file, 0));

    /// <summary>A tensor's raw bytes (contiguous, CPU).</summary>
    public static byte[] Bytes(torch.Tensor tensor)
    {
        using var cpu = tensor.cpu();
        using var contiguous = cpu.contiguous();
        return contiguous.bytes.ToArray();
    }

    /// <summary>A reproducible random tensor of <paramref name="type"/> (integers in [-1000, 1000)).</summary>
    public static torch.Tensor Random(torch.ScalarType type, long[] shape, long seed)
    {
        using var generator = new torch.Generator((ulong)seed);
        if (!torch.is_floating_point(type)) return torch.randint(-1000, 1000, shape, generator: generator, dtype: type);
        using var values = torch.randn(shape, generator: generator);
        return values.to(type);
    }

    public static Dictionary<string, torch.Tensor> SmallModelTensors(long seed) => new()
    {
        ["model.embed_tokens.weight"] = Random(torch.ScalarType.Float32, [10, 4], seed),
        ["model.layers.0.self_attn.q_proj.weight"] = Random(torch.ScalarType.Float32, [4, 4], seed + 1),
        ["model.layers.0.input_layernorm.weight"] = Random(torch.ScalarType.Float32, [4], seed + 2),
        ["model.norm.weight"] = Random(torch.ScalarType.Float32, [4], seed + 3),
    };

    public static void DisposeAll(IEnumerable<torch.Tensor> tensors)
    {
        foreach (var tensor in tensors) tensor.Dispose();
    }
}
