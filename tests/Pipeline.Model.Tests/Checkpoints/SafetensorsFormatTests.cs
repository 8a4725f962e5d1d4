using System.Text;
using Pipeline.Model.Checkpoints;
using TorchSharp;
using static Pipeline.Model.Tests.Checkpoints.CheckpointTestFiles;

namespace Pipeline.Model.Tests.Checkpoints;

/// <summary>
/// Byte-level compatibility with the safetensors spec: the expected bytes are the reference Rust implementation's
/// own test vectors (safetensors/src/tensor.rs: test_serialization, test_serialization_forced_alignement, test_empty).
/// </summary>
public class SafetensorsFormatTests
{
    private static readonly Dictionary<string, string> NoMetadata = [];

    private static byte[] Serialize(Dictionary<string, torch.Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var stream = new MemoryStream();
        SafetensorsWriter.Write(stream, tensors, metadata);
        return stream.ToArray();
    }

    [Fact]
    public void Write_OneF32Tensor_MatchesReferenceBytes()
    {
        using var tensor = torch.arange(6, dtype: torch.ScalarType.Float32).reshape(1, 2, 3);

        var bytes = Serialize(new() { ["attn.0"] = tensor }, NoMetadata);

        byte[] expected =
        [
            64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
            116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
            58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
            101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
            0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
        ];
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Write_UnalignedHeader_IsPaddedWithSpacesToEightBytes()
    {
        using var tensor = torch.arange(6, dtype: torch.ScalarType.Float32).reshape(1, 1, 2, 3);

        var bytes = Serialize(new() { ["attn0"] = tensor }, NoMetadata);

        byte[] expected =
        [
            72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116,
            121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
            91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
            115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32,
            32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
            160, 64,
        ];
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Write_NoTensors_MatchesReferenceBytesWithAndWithoutMetadata()
    {
        var empty = Serialize([], NoMetadata);
        var withMetadata = Serialize([], new Dictionary<string, string> { ["framework"] = "pt" });

        Assert.Equal([8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32], empty);
        Assert.Equal(
            [
                40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
                95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
                116, 34, 125, 125, 32, 32, 32, 32, 32,
            ],
            withMetadata);
    }

    [Fact]
    public void Write_DefaultMetadata_CarriesFormatPtBlockFirst()
    {
        using var tensor = torch.ones(3);

        var header = HeaderText(Serialize(new() { ["w"] = tensor }, metadata: null));

        Assert.StartsWith("{\"__metadata__\":{\"format\":\"pt\"},\"w\":", header, StringComparison.Ordinal);
        Assert.Equal(0, Encoding.UTF8.GetByteCount(header) % 8);
    }

    [Fact]
    public void Write_MixedDtypes_OrdersByElementSizeThenNameSoEveryTensorIsAligned()
    {
        using var half = torch.ones(3, dtype: torch.ScalarType.BFloat16);
        using var a = torch.ones(1, dtype: torch.ScalarType.Float32);
        using var b = torch.ones(1, dtype: torch.ScalarType.Float32);
        using var wide = torch.ones(1, dtype: torch.ScalarType.Float64);
        using var folder = new TempFolder();
        var path = folder.File("mixed.safetensors");

        SafetensorsWriter.Write(path, new Dictionary<string, torch.Tensor> { ["a_half"] = half, ["b"] = b, ["a"] = a, ["z_wide"] = wide });
        using var file = SafetensorsFile.Open(path);

        Assert.Equal(["z_wide", "a", "b", "a_half"], file.Header.Tensors.Select(t => t.Name));
        Assert.All(file.Header.Tensors, t => Assert.Equal(0, (file.Header.DataStart + t.Start) % SafetensorsDtypes.ElementSize(t.ScalarType)));
    }

    [Fact]
    public void Read_ReferenceFileWithMetadata_ReadsTensorAndMetadata()
    {
        using var folder = new TempFolder();
        var path = folder.File("ref.safetensors");
        var data = new[] { 0f, 1f, 2f, 3f, 4f, 5f }.SelectMany(BitConverter.GetBytes).ToArray();
        File.WriteAllBytes(path, Raw("{\"__metadata__\":{\"format\":\"pt\"},\"attn.0\":{\"dtype\":\"F32\",\"shape\":[1,2,3],\"data_offsets\":[0,24]}}", data));

        using var file = SafetensorsFile.Open(path);
        using var tensor = file.Read("attn.0");

        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal([1L, 2, 3], tensor.shape);
        Assert.Equal(5f, tensor[0, 1, 2].item<float>());
    }
}
