using Pipeline.Core.Spec;
using Pipeline.Core.Tasks.Arith;
using Pipeline.Model.Sft;
using Pipeline.Model.Tests.Checkpoints;
using Pipeline.Model.Tokenization;

namespace Pipeline.Model.Tests.Sft;

public class ArithVocabularyTests
{
    private static readonly Lazy<QwenTokenizer> Tokenizer = new(() =>
    {
        var folder = Path.Combine(Path.GetTempPath(), "pipeline-arith-vocab-" + Guid.NewGuid().ToString("N"));
        ArithVocabulary.Write(folder);
        var tokenizer = QwenTokenizer.FromFolder(folder);
        Directory.Delete(folder, recursive: true);
        return tokenizer;
    });

    private static IEnumerable<ArithProblem> Sample() =>
        new[] { Difficulty.Easy, Difficulty.Medium, Difficulty.Hard }.SelectMany(d => ArithTask.Problems("test", d, 30));

    [Fact]
    public void Words_EachEncodesToOneToken()
    {
        var tokenizer = Tokenizer.Value;

        var split = ArithVocabulary.Words().Where(w => tokenizer.Encode(w).Count != 1).ToList();

        Assert.Empty(split);
        Assert.Contains(" recompute", ArithVocabulary.Words());
        Assert.Contains("\\boxed", ArithVocabulary.Words());
    }

    [Fact]
    public void PromptsAndSolutions_RoundTrip()
    {
        var tokenizer = Tokenizer.Value;
        var random = new Random(5);

        var texts = Sample().SelectMany(p => new[]
        {
            ArithVocabulary.PromptText(p.ToProblem()), ArithSolutions.Verbose(p, 1.0, random), ArithSolutions.Minimal(p),
        }).ToList();

        Assert.All(texts, t => Assert.Equal(t, tokenizer.Decode(tokenizer.Encode(t))));
    }

    [Fact]
    public void Digits_AreSingleTokens_AndNoTokenMixesDigitsWithOtherText()
    {
        var tokenizer = Tokenizer.Value;

        var ids = tokenizer.Encode("What is 128+47?"); // What, " is", " ", then one token per digit
        var withDigits = Enumerable.Range(0, tokenizer.VocabSize).Select(i => tokenizer.Decode([i])).Where(t => t.Any(char.IsDigit)).ToList();

        Assert.Equal(["1", "2", "8", "+", "4", "7"], ids.Skip(3).Take(6).Select(i => tokenizer.Decode([i])));
        Assert.All(withDigits, t => Assert.Equal(1, t.Length));
    }

    [Fact]
    public void PromptText_IsTheTokenizersChatPrompt_AndShort()
    {
        var tokenizer = Tokenizer.Value;
        var problem = ArithTask.Problems("test", Difficulty.Easy, 1)[0].ToProblem();

        var prompt = ArithVocabulary.PromptText(problem);
        var chat = tokenizer.ApplyChatTemplate([new ChatMessage("user", Pipeline.Core.Tasks.PromptTemplate.Math.Render(problem))]);

        Assert.Equal(chat, prompt);
        Assert.InRange(tokenizer.Encode(prompt).Count, 25, 40);
        Assert.EndsWith("<|im_start|>assistant\n", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Solutions_AreShortInTokens_AndEndWithEos()
    {
        var tokenizer = Tokenizer.Value;
        var problem = new ArithProblem([7, 5, 3], ['+', '-'], "easy");

        var ids = SftExampleSampler.ResponseIds(tokenizer, ArithSolutions.Minimal(problem));

        // <think> \n 7 + 5 = 1 2 . ␠ 1 2 - 3 = 9 .\n </think> \n\n \boxed { 9 } <|im_end|>
        Assert.Equal(24, ids.Length);
        Assert.Equal(tokenizer.EosTokenIds[0], ids[^1]);
    }
}
