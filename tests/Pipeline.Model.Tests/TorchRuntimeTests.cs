using Pipeline.Model.Runtime;
using TorchSharp;

namespace Pipeline.Model.Tests;

public class TorchRuntimeTests
{
    [Fact]
    public void EnsureLoaded_NativeLibrary_LoadsAndComputes()
    {
        // Fails loudly (with ldd's view of the native library) when LibTorch cannot be loaded on this system.
        var description = TorchRuntime.EnsureLoaded();

        using var product = torch.ones(2, 3).matmul(torch.ones(3, 4));
        Assert.StartsWith("LibTorch 2.10", description, StringComparison.Ordinal);
        Assert.Equal(3f, product[1, 2].item<float>());
    }
}
