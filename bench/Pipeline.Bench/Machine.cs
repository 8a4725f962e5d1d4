using System.Runtime.InteropServices;
using TorchSharp;

namespace Pipeline.Bench;

/// <summary>What the numbers were measured on: written beside every result.</summary>
internal sealed record Machine(string Cpu, int LogicalCores, int TorchThreads, string Os, string Runtime, string LibTorch)
{
    public static Machine Describe() => new(
        CpuModel(), Environment.ProcessorCount, torch.get_num_threads(), RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription, torch.__version__);

    public override string ToString() =>
        $"{Cpu}, {LogicalCores} logical cores, LibTorch {LibTorch} with {TorchThreads} threads, {Os}, {Runtime}";

    private static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!File.Exists(cpuinfo)) return RuntimeInformation.ProcessArchitecture.ToString();
        var line = File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
    }
}
