using Pipeline.Model.Runtime;

namespace Pipeline.Workers.Runs;

/// <summary>LibTorch's intra-op thread count for a process (services sharing a machine should not each take every core).</summary>
public static class TorchThreads
{
    /// <param name="threads">0 or less: leave LibTorch's default (one per core).</param>
    public static void Apply(int threads)
    {
        if (threads <= 0) return;
        TorchRuntime.EnsureLoaded();
        TorchSharp.torch.set_num_threads(threads);
    }
}
