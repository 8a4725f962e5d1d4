using System.Globalization;
using System.Text.RegularExpressions;
using Pipeline.Core.Spec;

namespace Pipeline.Cli.Commands;

/// <summary>A dataset to evaluate: the name it gets in the outputs and its source (as the spec's data section).</summary>
internal sealed record EvalDataset(string Name, string Source);

/// <summary>
/// The textual options of <c>pipeline eval</c> turned into values. Each parser returns null and adds one message
/// naming the option when the text is unusable, so every problem is reported at once.
/// </summary>
internal static partial class EvalArguments
{
    /// <summary>
    /// <c>--data</c> values, each a comma-separated list of sources; a source may be named <c>NAME=SOURCE</c>.
    /// Default names: <c>arith-test</c> for <c>synthetic:arith?split=test</c>, the file name without extension for a file.
    /// </summary>
    public static IReadOnlyList<EvalDataset>? Datasets(IEnumerable<string> values, List<string> errors)
    {
        var datasets = new List<EvalDataset>();
        foreach (var item in values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var (name, source) = SplitName(item);
            if (DataSource.TryParse(source, out var error) is not { } parsed)
            {
                errors.Add($"--data: {error}");
                continue;
            }
            datasets.Add(new EvalDataset(name ?? DefaultName(parsed), source));
        }
        if (datasets.Count == 0 && errors.Count == 0) errors.Add("--data: no dataset given");
        foreach (var duplicate in datasets.GroupBy(d => d.Name).Where(g => g.Count() > 1))
            errors.Add($"--data: two datasets are named '{duplicate.Key}'; name them apart with NAME=SOURCE");
        return errors.Count == 0 ? datasets : null;
    }

    /// <summary><c>--budgets 16,32,64</c>: whole numbers ≥ 1, strictly increasing.</summary>
    public static IReadOnlyList<int>? Budgets(string text, List<string> errors)
    {
        var budgets = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var budget) || budget < 1)
            {
                errors.Add($"--budgets: '{part}' is not a whole number ≥ 1 (expected e.g. 16,32,64,128)");
                return null;
            }
            if (budgets.Count > 0 && budget <= budgets[^1])
            {
                errors.Add($"--budgets: budgets must be strictly increasing; {budget} follows {budgets[^1]}");
                return null;
            }
            budgets.Add(budget);
        }
        return budgets;
    }

    /// <summary><c>--fields problem=question,answer=solution</c> (either or both).</summary>
    public static FieldsSpec? Fields(string? text, List<string> errors)
    {
        var fields = new FieldsSpec();
        if (string.IsNullOrWhiteSpace(text)) return fields;
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[1].Length == 0 || parts[0] is not ("problem" or "answer"))
            {
                errors.Add($"--fields: '{pair}' is not problem=FIELD or answer=FIELD (e.g. --fields problem=question,answer=solution)");
                return null;
            }
            if (parts[0] == "problem") fields.Problem = parts[1];
            else fields.Answer = parts[1];
        }
        return fields;
    }

    /// <summary>A spec enum spelled as in the spec (<c>force-answer</c>, <c>math</c>, <c>easy</c>).</summary>
    public static T? Choice<T>(string option, string text, List<string> errors) where T : struct, Enum
    {
        if (EnumNames.TryParse<T>(text, out var value)) return value;
        errors.Add($"{option}: unknown '{text}'; expected one of {string.Join(", ", EnumNames.All(typeof(T)))}");
        return null;
    }

    // NAME=SOURCE when the text before the first '=' is a plain name; "synthetic:arith?split=test" and paths are not.
    private static (string? Name, string Source) SplitName(string item)
    {
        var equals = item.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || equals == item.Length - 1) return (null, item);
        var name = item[..equals];
        return PlainName().IsMatch(name) ? (name, item[(equals + 1)..]) : (null, item);
    }

    private static string DefaultName(DataSource source) => source switch
    {
        SyntheticSource s => $"{s.Task}-{s.Split}",
        FileSource f => UnsafeCharacters().Replace(Path.GetFileNameWithoutExtension(f.Path), "-"),
        _ => "dataset",
    };

    // The characters the run folder's eval/step-N-SET.json names allow (as spec.data.eval[].name).
    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex PlainName();

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex UnsafeCharacters();
}
