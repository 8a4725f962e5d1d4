using System.Text.Json.Nodes;
using Pipeline.Model.Qwen3;

namespace Pipeline.Cli.Tests;

/// <summary>A random tiny model folder written once for the class (no model can be downloaded here).</summary>
public sealed class TinyModelFixture
{
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"pipeline-cli-model-{Guid.NewGuid():N}");

    public TinyModelFixture() => TinyModelFolder.Write(Folder, seed: 3, words: ["hello", "world"]);
}

public class ModelCommandTests(TinyModelFixture model) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Generate_SameSeed_IsReproducible()
    {
        string[] args = ["generate", "--model", model.Folder, "--prompt", "hello world", "--max-tokens", "12", "--seed", "7", "--n", "3", "--json"];

        var first = CliRunner.Run(args);
        var second = CliRunner.Run(args);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(3, first.StdoutLines.Length);
        Assert.Equal(first.Stdout, second.Stdout);
    }

    [Fact]
    public void Generate_DifferentSeeds_Differ()
    {
        var a = CliRunner.Run("generate", "--model", model.Folder, "--prompt", "hello", "--max-tokens", "16", "--seed", "1", "--json");
        var b = CliRunner.Run("generate", "--model", model.Folder, "--prompt", "hello", "--max-tokens", "16", "--seed", "2", "--json");

        Assert.NotEqual(a.Stdout, b.Stdout);
    }

    [Fact]
    public void Generate_Json_ReportsIdsLogprobsAndFinishReason()
    {
        var result = CliRunner.Run("generate", "--model", model.Folder, "--prompt", "hello", "--chat", "--max-tokens", "5", "--seed", "0", "--json");

        var row = JsonNode.Parse(result.StdoutLines[0])!.AsObject();
        var ids = row["token_ids"]!.AsArray();
        Assert.Equal(0, result.ExitCode);
        Assert.InRange(ids.Count, 1, 5);
        Assert.Equal(ids.Count, row["logprobs"]!.AsArray().Count);
        Assert.Contains((string?)row["finish_reason"], new[] { "stop", "length" });
        Assert.All(row["logprobs"]!.AsArray(), l => Assert.True((double)l! <= 0));
    }

    [Fact]
    public void Logprobs_TextAndIds_AgreeAndHaveOneFewerThanTokens()
    {
        var byText = JsonNode.Parse(CliRunner.Run("logprobs", "--model", model.Folder, "--text", "hello world").Stdout)!;
        var tokens = string.Join(',', byText["tokens"]!.AsArray().Select(t => (int)t!));
        var byIds = JsonNode.Parse(CliRunner.Run("logprobs", "--model", model.Folder, "--ids", tokens).Stdout)!;

        Assert.Equal(byText["tokens"]!.AsArray().Count - 1, byText["logprobs"]!.AsArray().Count);
        Assert.Equal(byText["logprobs"]!.ToJsonString(), byIds["logprobs"]!.ToJsonString());
    }

    [Fact]
    public void Logprobs_IdOutsideTheVocabulary_IsAClearError()
    {
        var result = CliRunner.Run("logprobs", "--model", model.Folder, "--ids", "1,2,999999");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("999999", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Logprobs_MissingModelFolder_NamesIt()
    {
        var result = CliRunner.Run("logprobs", "--model", "/no/such/model", "--ids", "1,2");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("/no/such/model: no such model folder", result.Stderr, StringComparison.Ordinal);
    }
}
