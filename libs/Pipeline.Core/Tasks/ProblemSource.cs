using Pipeline.Core.Spec;
using Pipeline.Core.Tasks.Arith;

namespace Pipeline.Core.Tasks;

/// <summary>
/// Resolves a spec's <c>source</c> (<c>synthetic:arith?split=test</c>, or a .jsonl/.parquet path relative to a
/// base directory, usually the spec file's) to problems. Training, filtering, evaluation and <c>pipeline eval</c> all
/// load data through here.
/// </summary>
public static class ProblemSource
{
    /// <summary>Synthetic sources without a size give all their distinct problems, up to this many.</summary>
    public const int DefaultSyntheticSize = 10_000;

    public static IReadOnlyList<Problem> Load(string source, Difficulty? difficulty, FieldsSpec fields, int? size, string baseDirectory) =>
        LoadDataset(source, difficulty, fields, size, baseDirectory).Problems;

    /// <summary>As <see cref="Load"/>, with the file's path and the rows whose control characters were repaired (synthetic: the source, 0).</summary>
    public static LoadedDataset LoadDataset(string source, Difficulty? difficulty, FieldsSpec fields, int? size, string baseDirectory)
    {
        var parsed = DataSource.TryParse(source, out var error) ?? throw new DatasetException($"source '{source}': {error}");
        return parsed switch
        {
            SyntheticSource { Task: "arith" } s => new LoadedDataset(source, Synthetic(s, difficulty ?? Difficulty.Easy, size), 0),
            FileSource f => DatasetFile.Load(Path.GetFullPath(f.Path, Path.GetFullPath(baseDirectory)), fields, size), // a relative base (".") is taken from the working directory
            _ => throw new DatasetException($"source '{source}' is not supported"),
        };
    }

    private static IReadOnlyList<Problem> Synthetic(SyntheticSource source, Difficulty difficulty, int? size)
    {
        try
        {
            var problems = size is { } n
                ? ArithTask.Problems(source.Split, difficulty, n)
                : ArithTask.Problems(source.Split, difficulty, DefaultSyntheticSize, exhaustive: false);
            return problems.Select(p => p.ToProblem()).ToList();
        }
        catch (InvalidOperationException e)
        {
            throw new DatasetException(e.Message);
        }
    }
}
