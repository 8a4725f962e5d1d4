namespace Pipeline.Core.Spec;

/// <summary>
/// A parsed <c>source</c> string of the spec's data section: a built-in synthetic task
/// (<c>synthetic:arith?split=test</c>) or a dataset file (<c>.jsonl</c>, <c>.parquet</c>).
/// </summary>
public abstract record DataSource
{
    /// <summary>The built-in synthetic task families.</summary>
    public static IReadOnlyList<string> SyntheticTasks { get; } = ["arith"];

    /// <summary>Splits of a synthetic task.</summary>
    public static IReadOnlyList<string> SyntheticSplits { get; } = ["train", "test"];

    public static IReadOnlyList<string> FileExtensions { get; } = [".jsonl", ".parquet"];

    private const string SyntheticPrefix = "synthetic:";

    /// <summary>Parses a source string, or returns the reason it is not one.</summary>
    public static DataSource? TryParse(string text, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "required; expected 'synthetic:arith' or a .jsonl/.parquet path";
            return null;
        }
        return text.StartsWith(SyntheticPrefix, StringComparison.Ordinal) ? ParseSynthetic(text, out error) : ParseFile(text, out error);
    }

    private static SyntheticSource? ParseSynthetic(string text, out string? error)
    {
        error = null;
        var rest = text[SyntheticPrefix.Length..];
        var query = "";
        var q = rest.IndexOf('?');
        if (q >= 0) (rest, query) = (rest[..q], rest[(q + 1)..]);
        if (!SyntheticTasks.Contains(rest))
        {
            error = $"unknown synthetic task '{rest}'; expected one of {string.Join(", ", SyntheticTasks)}";
            return null;
        }
        var split = "train";
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (parts.Length != 2 || parts[0] != "split")
            {
                error = $"unknown option '{pair}' in '{text}'; expected split=train or split=test";
                return null;
            }
            if (!SyntheticSplits.Contains(parts[1]))
            {
                error = $"unknown split '{parts[1]}'; expected one of {string.Join(", ", SyntheticSplits)}";
                return null;
            }
            split = parts[1];
        }
        return new SyntheticSource(rest, split);
    }

    private static FileSource? ParseFile(string text, out string? error)
    {
        error = null;
        var extension = System.IO.Path.GetExtension(text).ToLowerInvariant();
        if (!FileExtensions.Contains(extension))
        {
            error = $"'{text}' is neither 'synthetic:<task>' nor a file ending in {string.Join(" or ", FileExtensions)}";
            return null;
        }
        return new FileSource(text, extension == ".jsonl" ? FileFormat.Jsonl : FileFormat.Parquet);
    }
}

public sealed record SyntheticSource(string Task, string Split) : DataSource;

public enum FileFormat { Jsonl, Parquet }

public sealed record FileSource(string Path, FileFormat Format) : DataSource;
