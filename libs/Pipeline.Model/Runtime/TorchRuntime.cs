using System.Diagnostics;
using TorchSharp;

namespace Pipeline.Model.Runtime;

/// <summary>
/// Loads LibTorch once and explains clearly when it cannot: TorchSharp's own message for a native library that
/// fails to load ("no reference to libtorch") hides the real cause, which <c>ldd</c> shows.
/// </summary>
public static class TorchRuntime
{
    private static readonly Lazy<string> Loaded = new(Load);

    /// <summary>Whether glibc's allocator was tuned for tensor workloads (see <see cref="NativeMemory"/>).</summary>
    public static bool MemoryTuned { get; private set; }

    /// <summary>Ensures LibTorch is loaded (and the allocator tuned); returns a one-line description (version, threads, CUDA).</summary>
    /// <exception cref="InvalidOperationException">The native library did not load; the message carries ldd's view.</exception>
    public static string EnsureLoaded() => Loaded.Value;

    private static string Load()
    {
        MemoryTuned = NativeMemory.Tune();
        try
        {
            using var probe = torch.ones(1);
            return $"LibTorch {torch.__version__}, {torch.get_num_threads()} threads, CUDA {(torch.cuda.is_available() ? "available" : "not available")}";
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException or InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"LibTorch failed to load: {Innermost(e).Message}{Environment.NewLine}{DescribeNativeLibrary()}", e);
        }
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);

    private static string DescribeNativeLibrary()
    {
        var library = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        if (!File.Exists(library)) return $"{library} is missing: the build did not copy TorchSharp's native libraries.";
        try
        {
            var start = new ProcessStartInfo("ldd", library) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var ldd = Process.Start(start)!;
            var output = ldd.StandardOutput.ReadToEnd() + ldd.StandardError.ReadToEnd();
            ldd.WaitForExit();
            var problems = output.Split('\n').Where(l => l.Contains("not found", StringComparison.Ordinal)).ToList();
            return problems.Count == 0 ? $"ldd {library}:{Environment.NewLine}{output}" : $"ldd {library} reports:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return $"(ldd is not available to diagnose {library})";
        }
    }
}
