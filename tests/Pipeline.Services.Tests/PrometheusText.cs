using System.Globalization;
using System.Text.RegularExpressions;

namespace Pipeline.Services.Tests;

/// <summary>
/// A small validator of the Prometheus text exposition format (0.0.4): every line is blank, a <c># HELP</c> /
/// <c># TYPE</c> comment, or a sample <c>name{label="value",...} number</c>; samples are returned by their
/// series text (name with labels as written).
/// </summary>
internal static partial class PrometheusText
{
    [GeneratedRegex("""^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$""")]
    private static partial Regex Comment();

    [GeneratedRegex("""^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*")*,?)?\})?) (\S+)(?: -?\d+)?$""")]
    private static partial Regex Sample();

    private static readonly HashSet<string> Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    public static Dictionary<string, double> Parse(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                var comment = Comment().Match(line);
                Assert.True(comment.Success, $"line {lineNumber}: not a HELP/TYPE comment: {line}");
                if (comment.Groups[1].Value == "TYPE")
                    Assert.True(Types.Contains(comment.Groups[3].Value), $"line {lineNumber}: unknown type: {line}");
                continue;
            }
            var sample = Sample().Match(line);
            Assert.True(sample.Success, $"line {lineNumber}: not a sample: {line}");
            samples[sample.Groups[1].Value] = ParseValue(sample.Groups[2].Value, lineNumber);
        }
        return samples;
    }

    private static double ParseValue(string value, int lineNumber) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new Xunit.Sdk.XunitException($"line {lineNumber}: not a number: {value}"),
    };
}
