using Parquet.Schema;
using Parquet.Serialization;
using Pipeline.Core.Spec;
using Pipeline.Core.Tasks;

namespace Pipeline.Core.Tests.Tasks;

public class DatasetFileTests
{
    private static string Temp(string content, string extension = ".jsonl")
    {
        var path = Path.Combine(Path.GetTempPath(), $"dataset-{Guid.NewGuid():N}{extension}");
        File.WriteAllText(path, content);
        return path;
    }

    [Theory]
    [InlineData("math500_test.jsonl", 500)]
    [InlineData("gsm8k_test.jsonl", 1319)]
    [InlineData("aime2024.jsonl", 30)]
    [InlineData("aime2025.jsonl", 30)]
    [InlineData("amc2023.jsonl", 40)]
    public void Load_SharedBenchmarks_ReadEveryRow(string file, int rows)
    {
        var dataset = DatasetFile.Load(RepoPaths.SharedData(file), new FieldsSpec());

        Assert.Equal(rows, dataset.Problems.Count);
        Assert.All(dataset.Problems, p => Assert.False(string.IsNullOrWhiteSpace(p.Text) || string.IsNullOrWhiteSpace(p.Answer)));
    }

    [Fact]
    public void Load_Aime2025_RepairsTheThreeRowsWithControlCharacters()
    {
        var dataset = DatasetFile.Load(RepoPaths.SharedData("aime2025.jsonl"), new FieldsSpec());

        Assert.Equal(3, dataset.RepairedRows);
        Assert.Contains("\\frac{\\log_k (5^{k^2 - 1})}", dataset.Problems[18].Text, StringComparison.Ordinal);
        Assert.Contains("circumcircle of $\\triangle DEF$", dataset.Problems[19].Text, StringComparison.Ordinal);
        Assert.DoesNotContain(dataset.Problems, p => p.Text.Any(c => c is '\f' or '\b'));
    }

    [Fact]
    public void Load_SolutionOnly_UsesItsFinalBox()
    {
        var path = Temp("""{"question": "1+1?", "solution": "We add: 1+1=2, so \\boxed{2}."}""");

        var problem = Assert.Single(DatasetFile.Load(path, new FieldsSpec()).Problems);

        Assert.Equal(("1+1?", "2"), (problem.Text, problem.Answer));
    }

    [Fact]
    public void Load_ConfiguredFieldNames_AreUsed()
    {
        var path = Temp("""{"prompt": "2+2?", "target": 4}""");

        var problem = Assert.Single(DatasetFile.Load(path, new FieldsSpec { Problem = "prompt", Answer = "target" }).Problems);

        Assert.Equal(("2+2?", "4"), (problem.Text, problem.Answer));
    }

    [Fact]
    public void Load_BadRows_AreAllReportedWithFileLineAndField()
    {
        var path = Temp("""
            {"problem": "ok?", "answer": "1"}
            {"problem": "no answer"}
            not json
            {"problem": ["a list"], "answer": "2"}
            """);

        var e = Assert.Throws<DatasetException>(() => DatasetFile.Load(path, new FieldsSpec()));

        var lines = e.Message.Split(Environment.NewLine);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"{path}:2: missing field 'answer' or 'solution' (the row has: problem)", lines[0], StringComparison.Ordinal);
        Assert.StartsWith($"{path}:3: invalid JSON", lines[1], StringComparison.Ordinal);
        Assert.StartsWith($"{path}:4: field 'problem' must be a non-empty string or a number, got [\"a list\"]", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_NamesIt()
    {
        var e = Assert.Throws<DatasetException>(() => DatasetFile.Load("/no/such/file.jsonl", new FieldsSpec()));

        Assert.Equal("/no/such/file.jsonl: no such file", e.Message);
    }

    [Fact]
    public async Task Load_Parquet_ReadsTheSameProblemsAsJsonl()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dataset-{Guid.NewGuid():N}.parquet");
        var schema = new ParquetSchema(new DataField<string>("question"), new DataField<string>("answer"));
        var rows = new List<IDictionary<string, object?>>
        {
            new Dictionary<string, object?> { ["question"] = "What is 3+4?", ["answer"] = "7" },
            new Dictionary<string, object?> { ["question"] = "What is \\frac{1}{2}+\\frac{1}{2}?", ["answer"] = "1" },
        };
        await using (var stream = File.Create(path)) await ParquetSerializer.SerializeUntypedAsync(rows, schema, stream);

        var problems = DatasetFile.Load(path, new FieldsSpec()).Problems;

        Assert.Equal(["What is 3+4?", "What is \\frac{1}{2}+\\frac{1}{2}?"], problems.Select(p => p.Text));
        Assert.Equal(["7", "1"], problems.Select(p => p.Answer));
    }

    [Fact]
    public void Load_CorruptParquet_SaysSo()
    {
        var path = Temp("PAR1 this is not parquet", ".parquet");

        var e = Assert.Throws<DatasetException>(() => DatasetFile.Load(path, new FieldsSpec()));

        Assert.StartsWith($"{path}: not a readable Parquet file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProblemSource_SyntheticTestSplit_HasTheRequestedSize()
    {
        var problems = ProblemSource.Load("synthetic:arith?split=test", Difficulty.Easy, new FieldsSpec(), 200, ".");

        Assert.Equal(200, problems.Count);
        Assert.All(problems, p => Assert.StartsWith("What is ", p.Text, StringComparison.Ordinal));
    }

    [Fact]
    public void ProblemSource_SyntheticWithoutSize_GivesEveryDistinctProblem()
    {
        var problems = ProblemSource.Load("synthetic:arith", Difficulty.Easy, new FieldsSpec(), null, ".");

        Assert.InRange(problems.Count, 1000, ProblemSource.DefaultSyntheticSize);
        Assert.Equal(problems.Count, problems.Select(p => p.Id).Distinct().Count());
    }
}
