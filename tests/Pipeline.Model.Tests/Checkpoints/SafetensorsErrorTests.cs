using Pipeline.Model.Checkpoints;
using TorchSharp;
using static Pipeline.Model.Tests.Checkpoints.CheckpointTestFiles;

namespace Pipeline.Model.Tests.Checkpoints;

/// <summary>Every corrupt or truncated file is an error that names the file (and the tensor, when there is one).</summary>
public class SafetensorsErrorTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly string _path;

    public SafetensorsErrorTests() => _path = _folder.File("model.safetensors");

    public void Dispose() => _folder.Dispose();

    private InvalidDataException OpenFails(byte[] bytes)
    {
        File.WriteAllBytes(_path, bytes);
        return Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(_path).Dispose());
    }

    private static string Tensor(string name, string dtype, string shape, long begin, long end) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

    [Fact]
    public void Open_FileShorterThanLengthPrefix_IsTruncatedNamingFile()
    {
        var error = OpenFails([1, 0, 0]);

        Assert.Contains(_path, error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_HeaderLengthBeyondFile_IsTruncatedNamingFile()
    {
        var error = OpenFails([.. BitConverter.GetBytes(1000UL), .. "{}"u8.ToArray()]);

        Assert.Contains(_path, error.Message, StringComparison.Ordinal);
        Assert.Contains("header claims 1000 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_AbsurdHeaderLength_IsRejected()
    {
        var error = OpenFails([.. BitConverter.GetBytes(ulong.MaxValue - 3), .. "{}"u8.ToArray()]);

        Assert.Contains("exceeds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ValidFileCutShort_IsTruncatedNamingFileAndLastTensor()
    {
        using var tensor = torch.ones(4, 4);
        SafetensorsWriter.Write(_path, new Dictionary<string, torch.Tensor> { ["model.norm.weight"] = tensor });
        var bytes = File.ReadAllBytes(_path);

        var error = OpenFails(bytes[..^5]);

        Assert.Contains(_path, error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        Assert.Contains("model.norm.weight", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_OverlappingOffsets_NamesBothTensors()
    {
        var error = OpenFails(Raw("{" + Tensor("a", "F32", "[2]", 0, 8) + "," + Tensor("b", "F32", "[2]", 4, 12) + "}", new byte[12]));

        Assert.Contains("'a' [0, 8) and 'b' [4, 12) overlap", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_GapBetweenTensors_IsRejected()
    {
        var error = OpenFails(Raw("{" + Tensor("a", "F32", "[1]", 0, 4) + "," + Tensor("b", "F32", "[1]", 8, 12) + "}", new byte[12]));

        Assert.Contains("[4, 8) belong to no tensor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TrailingBytes_AreRejected()
    {
        var error = OpenFails(Raw("{" + Tensor("a", "F32", "[1]", 0, 4) + "}", new byte[7]));

        Assert.Contains("3 bytes after the last tensor", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_OffsetsOutOfRange_IsTruncated()
    {
        var error = OpenFails(Raw("{" + Tensor("a", "F32", "[100]", 0, 400) + "}", new byte[16]));

        Assert.Contains("need 400 bytes of data but only 16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ShapeTimesDtypeNotByteSpan_NamesTensorAndSizes()
    {
        var error = OpenFails(Raw("{" + Tensor("w", "F32", "[3]", 0, 8) + "}", new byte[8]));

        Assert.Contains("tensor 'w': shape [3] × F32 needs 12 bytes, but data_offsets span 8", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("U8")]
    [InlineData("F8_E4M3")]
    [InlineData("float32")]
    public void Open_UnknownDtype_NamesTensorAndDtype(string dtype)
    {
        var error = OpenFails(Raw("{" + Tensor("w", dtype, "[4]", 0, 4) + "}", new byte[4]));

        Assert.Contains($"tensor 'w': unknown or unsupported dtype '{dtype}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_InvalidJson_NamesFile()
    {
        var error = OpenFails(Raw("{\"w\":{\"dtype\":", []));

        Assert.Contains(_path, error.Message, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_NonStringMetadata_IsRejected()
    {
        var error = OpenFails(Raw("{\"__metadata__\":{\"format\":1}}", []));

        Assert.Contains("__metadata__.format must be a string", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_SeveralProblems_ListsThemAll()
    {
        var header = "{" + Tensor("a", "Q4", "[1]", 0, 4) + "," + Tensor("b", "F32", "[2]", 4, 8) + "," + Tensor("c", "F32", "[-1]", 8, 12) + "}";

        var error = OpenFails(Raw(header, new byte[12]));

        Assert.Contains("3 problems", error.Message, StringComparison.Ordinal);
        Assert.Contains("tensor 'a'", error.Message, StringComparison.Ordinal);
        Assert.Contains("tensor 'b'", error.Message, StringComparison.Ordinal);
        Assert.Contains("tensor 'c'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnknownName_NamesFileAndTensor()
    {
        using var tensor = torch.ones(1);
        SafetensorsWriter.Write(_path, new Dictionary<string, torch.Tensor> { ["a"] = tensor });
        using var file = SafetensorsFile.Open(_path);

        var error = Assert.Throws<KeyNotFoundException>(() => file.Read("b"));

        Assert.Equal($"{_path}: no tensor named 'b'", error.Message);
    }

    [Fact]
    public void Open_MissingFile_IsFileNotFound()
    {
        var error = Assert.Throws<FileNotFoundException>(() => SafetensorsFile.Open(_path));

        Assert.Contains(_path, error.Message, StringComparison.Ordinal);
    }
}
