using Pipeline.Model.Checkpoints;
using TorchSharp;
using static Pipeline.Model.Tests.Checkpoints.CheckpointTestFiles;

namespace Pipeline.Model.Tests.Checkpoints;

/// <summary>Write → read is bit-identical for every dtype; BF16/F16 upcasts equal the exact float32 values; chunked IO.</summary>
public class SafetensorsRoundTripTests
{
    [Theory]
    [InlineData(torch.ScalarType.Float32)]
    [InlineData(torch.ScalarType.BFloat16)]
    [InlineData(torch.ScalarType.Float16)]
    [InlineData(torch.ScalarType.Float64)]
    [InlineData(torch.ScalarType.Int64)]
    [InlineData(torch.ScalarType.Int32)]
    public void WriteThenRead_EachDtype_IsBitIdentical(torch.ScalarType type)
    {
        using var folder = new TempFolder();
        var path = folder.File("t.safetensors");
        var tensors = new Dictionary<string, torch.Tensor>
        {
            ["matrix"] = Random(type, [7, 5], seed: 1),
            ["vector"] = Random(type, [3], seed: 2),
            ["scalar"] = Random(type, [], seed: 3),
            ["empty"] = Random(type, [0, 4], seed: 4),
        };

        SafetensorsWriter.Write(path, tensors);
        var loaded = SafetensorsFile.Load(path);

        Assert.Equal(tensors.Keys.Order(), loaded.Keys.Order());
        foreach (var (name, tensor) in tensors)
        {
            Assert.Equal(type, loaded[name].dtype);
            Assert.Equal(tensor.shape, loaded[name].shape);
            Assert.Equal(Bytes(tensor), Bytes(loaded[name]));
        }
        DisposeAll(tensors.Values.Concat(loaded.Values));
    }

    [Fact]
    public void Read_Bf16AsFloat32_EqualsTheFloatWithThoseHighSixteenBits()
    {
        ushort[] patterns = [0x0000, 0x8000, 0x3F80, 0xBF80, 0x4049, 0x7F7F, 0x0001, 0x8001, 0x7F80, 0xFF80, 0x3DCD, 0x4B80];
        using var folder = new TempFolder();
        var path = folder.File("bf16.safetensors");
        var data = patterns.SelectMany(BitConverter.GetBytes).ToArray();
        File.WriteAllBytes(path, Raw($"{{\"x\":{{\"dtype\":\"BF16\",\"shape\":[{patterns.Length}],\"data_offsets\":[0,{data.Length}]}}}}", data));

        using var file = SafetensorsFile.Open(path);
        using var upcast = file.Read("x", torch.ScalarType.Float32);

        Assert.Equal(torch.ScalarType.Float32, upcast.dtype);
        var expected = patterns.Select(p => BitConverter.Int32BitsToSingle(p << 16)).ToArray();
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), upcast.data<float>().ToArray().Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Read_F16AsFloat32_EqualsDotNetHalfConversion()
    {
        ushort[] patterns = [0x0000, 0x8000, 0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x7C00, 0xFC00, 0x3555];
        using var folder = new TempFolder();
        var path = folder.File("f16.safetensors");
        var data = patterns.SelectMany(BitConverter.GetBytes).ToArray();
        File.WriteAllBytes(path, Raw($"{{\"x\":{{\"dtype\":\"F16\",\"shape\":[{patterns.Length}],\"data_offsets\":[0,{data.Length}]}}}}", data));

        using var file = SafetensorsFile.Open(path);
        using var upcast = file.Read("x", torch.ScalarType.Float32);

        var expected = patterns.Select(p => (float)BitConverter.UInt16BitsToHalf(p)).ToArray();
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), upcast.data<float>().ToArray().Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Write_WithDtype_ConvertsFloatingTensorsAndKeepsIntegers()
    {
        using var folder = new TempFolder();
        var path = folder.File("t.safetensors");
        using var weights = Random(torch.ScalarType.Float32, [4, 4], seed: 5);
        using var ids = torch.arange(3, dtype: torch.ScalarType.Int64);

        SafetensorsWriter.Write(path, new Dictionary<string, torch.Tensor> { ["w"] = weights, ["ids"] = ids }, dtype: torch.ScalarType.BFloat16);
        using var file = SafetensorsFile.Open(path);
        using var w = file.Read("w");
        using var expected = weights.to(torch.ScalarType.BFloat16);

        Assert.Equal("BF16", file.Entry("w").Dtype);
        Assert.Equal("I64", file.Entry("ids").Dtype);
        Assert.Equal(Bytes(expected), Bytes(w));
    }

    [Fact]
    public void Write_NonContiguousTensor_WritesItsLogicalValues()
    {
        using var folder = new TempFolder();
        var path = folder.File("t.safetensors");
        using var matrix = Random(torch.ScalarType.Float32, [3, 5], seed: 6);
        using var transposed = matrix.t();

        SafetensorsWriter.Write(path, new Dictionary<string, torch.Tensor> { ["t"] = transposed });
        using var file = SafetensorsFile.Open(path);
        using var loaded = file.Read("t");

        Assert.Equal([5L, 3], loaded.shape);
        Assert.Equal(Bytes(transposed), Bytes(loaded));
    }

    [Fact]
    public void TensorBytes_SmallChunks_ReadAndWriteTheSameBytesAsOneChunk()
    {
        using var folder = new TempFolder();
        var path = folder.File("raw.bin");
        using var source = Random(torch.ScalarType.Float32, [11, 3], seed: 7);
        using (var stream = File.Create(path)) TensorBytes.Write(source, stream, chunkBytes: 8);
        using var target = torch.empty([11, 3]);

        using (var handle = File.OpenHandle(path)) TensorBytes.Read(target, handle, 0, path, chunkBytes: 12);

        Assert.Equal(Bytes(source), File.ReadAllBytes(path));
        Assert.Equal(Bytes(source), Bytes(target));
    }
}
