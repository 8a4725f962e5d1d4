using System.Globalization;
using Pipeline.Workers.Embedded;

namespace Pipeline.Cli.Commands;

/// <summary>
/// Shows a run's progress: on a terminal, one line redrawn in place with a bar; when output is redirected (CI, a log
/// file), one plain line per step and per event, since a redrawn line means nothing there. Written by hand because
/// Spectre's live progress prints nothing when redirected and garbles lines written while it runs.
/// </summary>
internal sealed class ConsoleRunObserver : IRunObserver
{
    private readonly bool _interactive = !Console.IsOutputRedirected;
    private readonly Action<string>? _log;
    private string _phase = "";
    private bool _lineOpen;
    private readonly System.Diagnostics.Stopwatch _sinceProgressLine = System.Diagnostics.Stopwatch.StartNew();

    /// <summary>When output is redirected, a long phase still prints a progress line this often.</summary>
    public static readonly TimeSpan ProgressLineInterval = TimeSpan.FromSeconds(15);

    public ConsoleRunObserver(Action<string>? log = null) => _log = log;

    public void Phase(string description)
    {
        _phase = description;
        _sinceProgressLine.Restart();
        WriteLine($"» {description}");
    }

    public void Progress(int done, int total)
    {
        if (_interactive) Redraw($"{_phase} {Bar(done, total)} {done}/{total}");
        else if (_sinceProgressLine.Elapsed >= ProgressLineInterval && done < total)
        {
            WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {done}/{total} ({(double)done / Math.Max(1, total):P0})"));
            _sinceProgressLine.Restart();
        }
    }

    /// <summary>
    /// As <see cref="Progress"/>, but when output is redirected every call prints its line: for work reported in a few
    /// large pieces (<c>pipeline eval</c>'s batches of problems), where each piece is news.
    /// </summary>
    public void ProgressEveryCall(int done, int total)
    {
        if (_interactive) Progress(done, total);
        else WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {done}/{total} ({(double)done / Math.Max(1, total):P0})"));
    }

    public void Step(IReadOnlyDictionary<string, double?> m, int totalSteps)
    {
        var step = (int)(m.GetValueOrDefault("step") ?? 0);
        var text = string.Create(CultureInfo.InvariantCulture,
            $"step {step}/{totalSteps} acc {m.GetValueOrDefault("accuracy"):P0} reward {m.GetValueOrDefault("reward_mean"):F2} len {m.GetValueOrDefault("mean_length"):F1} (✓ {m.GetValueOrDefault("mean_length_correct"):F1} ✗ {m.GetValueOrDefault("mean_length_incorrect"):F1}) entropy {m.GetValueOrDefault("entropy"):F3} {m.GetValueOrDefault("step_seconds"):F1}s");
        _log?.Invoke(text);
        if (_interactive) Redraw($"{Bar(step, totalSteps)} {text}");
        else Console.WriteLine(text);
    }

    public void Message(string line) => WriteLine(line);

    private void WriteLine(string line)
    {
        _log?.Invoke(line);
        if (_lineOpen) Console.WriteLine();
        _lineOpen = false;
        Console.WriteLine(line);
    }

    private void Redraw(string line)
    {
        var width = Math.Max(40, SafeWidth() - 1);
        Console.Write("\r" + (line.Length > width ? line[..width] : line.PadRight(width)));
        _lineOpen = true;
    }

    private static int SafeWidth()
    {
        try
        {
            return Console.WindowWidth;
        }
        catch (IOException)
        {
            return 100;
        }
    }

    private static string Bar(int done, int total)
    {
        const int width = 20;
        var filled = total <= 0 ? 0 : Math.Clamp(done * width / total, 0, width);
        return "[" + new string('█', filled) + new string('·', width - filled) + "]";
    }
}
