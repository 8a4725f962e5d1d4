using Pipeline.Reports.Runs;

namespace Pipeline.Reports.Tests;

public sealed class RunFolderTests : IDisposable
{
    private readonly string _folder = SyntheticRunFolder.Create("reading");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Load_ReadsNameMetricsAndEvaluations()
    {
        var run = RunFolder.Load(_folder);

        Assert.Equal("reading", run.Name);
        Assert.Equal(40, run.Metrics.Count);
        Assert.Null(run.Metrics[^1][MetricNames.MeanLengthIncorrect]);   // written as null: no incorrect answer
        Assert.Equal(5 * SyntheticRunFolder.Budgets.Length, run.Evaluations.Count);
        Assert.Equal(80, run.LoadSamples(40, "arith-test")!.Samples.Count);
    }

    [Fact]
    public void Load_WithoutSpec_IsNamedAfterTheFolder()
    {
        File.Delete(Path.Combine(_folder, "spec.yaml"));

        Assert.Equal(Path.GetFileName(_folder), RunFolder.Load(_folder).Name);
    }

    [Fact]
    public void Load_PathWithTrailingSlash_IsTheSameFolder()
    {
        File.Delete(Path.Combine(_folder, "spec.yaml"));

        var run = RunFolder.Load(_folder + "/");

        Assert.Equal((_folder, Path.GetFileName(_folder)), (run.Path, run.Name));
    }

    [Fact]
    public void Load_NeitherMetricsNorEvaluations_NamesTheFile()
    {
        File.Delete(Path.Combine(_folder, "metrics.jsonl"));
        File.Delete(Path.Combine(_folder, "eval.jsonl"));

        var error = Assert.Throws<FileNotFoundException>(() => RunFolder.Load(_folder));

        Assert.StartsWith(Path.Combine(_folder, "metrics.jsonl") + ": not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EvaluationOnlyFolder_HasNoTrainingSteps()   // what pipeline eval writes
    {
        File.Delete(Path.Combine(_folder, "metrics.jsonl"));

        var run = RunFolder.Load(_folder);

        Assert.Empty(run.Metrics);
        Assert.NotEmpty(run.Evaluations);
    }

    [Fact]
    public void Load_MissingFolder_SaysSo()
    {
        var error = Assert.Throws<DirectoryNotFoundException>(() => RunFolder.Load(_folder + "-nope"));

        Assert.Equal($"run folder not found: {_folder}-nope", error.Message);
    }

    [Fact]
    public void Load_TruncatedMetricsLine_NamesFileAndLine()
    {
        var path = Path.Combine(_folder, "metrics.jsonl");
        File.AppendAllText(path, "{\"step\": 41, \"mean_len");

        var error = Assert.Throws<InvalidDataException>(() => RunFolder.Load(_folder));

        Assert.StartsWith($"{path}:41: invalid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EvalLineWithoutBudget_NamesFileLineAndField()
    {
        var path = Path.Combine(_folder, "eval.jsonl");
        var lines = File.ReadAllLines(path);
        lines[1] = lines[1].Replace("\"budget\":32,", "", StringComparison.Ordinal);
        File.WriteAllLines(path, lines);

        var error = Assert.Throws<InvalidDataException>(() => RunFolder.Load(_folder));

        Assert.Equal($"{path}:2: missing field 'budget'", error.Message);
    }

    [Fact]
    public void LoadSamples_SampleWithoutLength_NamesFileAndSample()
    {
        var path = Path.Combine(_folder, "eval", "step-10-arith-test.json");
        File.WriteAllText(path, """{"PerProblem": [{"Samples": [{"Length": 3, "Finished": true, "Correct": true}, {"Finished": true, "Correct": false}]}]}""");

        var error = Assert.Throws<InvalidDataException>(() => RunFolder.Load(_folder).LoadSamples(10, "arith-test"));

        Assert.Equal($"{path}: PerProblem[0].Samples[1]: missing field 'Length'", error.Message);
    }
}
