// Training progress for people and for logs. On a terminal one compact line is rewritten in place every step
// (carriage return, padded to erase the previous one); when output is redirected (a log file, CI) it prints one
// plain line every N steps and at the last step, so logs stay short and greppable. Quick evaluations always get a
// line of their own.
using System.Diagnostics;
using System.Globalization;

namespace Pipeline.Model.Sft;

/// <summary>Reports SFT steps to a writer (see the file header).</summary>
public sealed class SftProgress(TextWriter writer, int totalSteps, bool interactive, int plainEvery)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private double _lossSum;
    private int _lossCount;
    private long _tokens;
    private int _lastWidth;

    /// <summary>Progress on the console: interactive unless stdout is redirected; plain lines about 50 times per run.</summary>
    public static SftProgress ForConsole(int totalSteps) =>
        new(Console.Out, totalSteps, !Console.IsOutputRedirected, Math.Max(1, totalSteps / 50));

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Report(SftStepResult step)
    {
        if (!step.Skipped)
        {
            _lossSum += step.Loss;
            _lossCount++;
        }
        _tokens += step.Positions;
        var last = step.Step == totalSteps;
        if (interactive)
        {
            Rewrite(Line(step));
            if (last) EndLine();
        }
        else if (step.Step % plainEvery == 0 || last)
        {
            writer.WriteLine(Line(step));
        }
    }

    /// <summary>A line of its own (a quick evaluation, a note), without breaking the updating line.</summary>
    public void Note(string text)
    {
        if (interactive && _lastWidth > 0) EndLine();
        writer.WriteLine(text);
    }

    private string Line(SftStepResult step)
    {
        var mean = _lossCount == 0 ? double.NaN : _lossSum / _lossCount;
        (_lossSum, _lossCount) = (0, 0);
        var seconds = Math.Max(1e-9, _clock.Elapsed.TotalSeconds);
        var remaining = TimeSpan.FromSeconds(seconds / step.Step * (totalSteps - step.Step));
        return string.Create(CultureInfo.InvariantCulture,
            $"step {step.Step}/{totalSteps}  loss {mean:F4}  lr {step.LearningRate:E2}  grad {step.GradNorm:F2}  " +
            $"{_tokens / seconds:F0} tok/s  {_clock.Elapsed:mm\\:ss} elapsed, {remaining:mm\\:ss} left{(step.Skipped ? "  (skipped: non-finite)" : "")}");
    }

    private void Rewrite(string line)
    {
        writer.Write('\r' + line.PadRight(_lastWidth));
        _lastWidth = line.Length;
        writer.Flush();
    }

    private void EndLine()
    {
        writer.WriteLine();
        _lastWidth = 0;
    }
}
