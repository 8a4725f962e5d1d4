using System.Diagnostics;

namespace Pipeline.Bench;

internal static class Stopwatches
{
    /// <summary>
    /// Warms up once, then runs <paramref name="action"/> at least <paramref name="repeats"/> times and for at least
    /// <paramref name="minSeconds"/>; returns the median time of one run in seconds. The median resists the
    /// interruptions of a shared 2-core machine better than the mean, and the time floor keeps sub-millisecond
    /// operations from being judged on a handful of samples.
    /// </summary>
    public static double Median(int repeats, Action action, double minSeconds = 0.5)
    {
        action();
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < repeats || total.Elapsed.TotalSeconds < minSeconds)
        {
            var watch = Stopwatch.StartNew();
            action();
            times.Add(watch.Elapsed.TotalSeconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    public static double Once(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Runs <paramref name="action"/> once; returns its wall time and the CPU time this process spent meanwhile (all
    /// threads), in seconds. On a machine shared with other jobs the CPU time is the steadier measure of the work
    /// done: waiting for a core counts in the wall time only.
    /// </summary>
    public static (double Wall, double Cpu) WallAndCpu(Action action)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        action();
        var wall = watch.Elapsed.TotalSeconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpu).TotalSeconds);
    }
}
