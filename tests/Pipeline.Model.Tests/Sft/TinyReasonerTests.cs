// The shipped base model of the quickstart: models/tiny-reasoner must load like any HF folder and solve easy
// problems. A loose check (a handful of greedy answers); its full evaluation is in models/tiny-reasoner/README.md.
using Pipeline.Core.Spec;
using Pipeline.Core.Tasks.Arith;
using Pipeline.Model.Sft;
using TorchSharp;

namespace Pipeline.Model.Tests.Sft;

public class TinyReasonerTests
{
    private static readonly string Folder = RepoPaths.InRepo("models/tiny-reasoner");

    [Fact]
    public void ShippedModel_Loads_AndAnswersEasyTestProblemsGreedily()
    {
        using var loaded = ModelFolder.Load(Folder);
        var problems = ArithTask.Problems("test", Difficulty.Easy, 16);

        var accuracy = SftEvaluator.For(loaded).GreedyAccuracy(problems, maxTokens: 160);

        Assert.Equal(torch.ScalarType.Float32, loaded.Model.DType);
        Assert.Equal(loaded.Tokenizer.TokenToId("<|im_end|>"), loaded.EosTokenIds[0]);
        Assert.True(accuracy >= 14.0 / 16, $"greedy accuracy {accuracy:P0} on 16 easy test problems");
    }

    [Fact]
    public void ShippedModel_WritesTheThinkThenBoxedFormat()
    {
        using var loaded = ModelFolder.Load(Folder);
        var problem = new ArithProblem([7, 5, 3], ['+', '-'], "easy");

        var text = SftEvaluator.For(loaded).GreedyText(problem, maxTokens: 160);

        Assert.StartsWith("<think>\n", text, StringComparison.Ordinal);
        Assert.Contains("</think>\n\n\\boxed{9}", text, StringComparison.Ordinal);
        Assert.EndsWith("<|im_end|>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void ShippedFolder_FitsTheSizeLimit()
    {
        var bytes = Directory.GetFiles(Folder).Sum(f => new FileInfo(f).Length);

        Assert.InRange(bytes, 1, 16L * 1024 * 1024);
    }
}
