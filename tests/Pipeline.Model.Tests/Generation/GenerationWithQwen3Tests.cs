// Generation with a real (tiny, random) Qwen3 and its KV cache: a ragged batch generates what each prompt generates
// alone, reported raw log-probabilities are exactly what TokenScorer computes for the same tokens, and a seed
// reproduces a sampled batch.
using Pipeline.Model.Generation;
using Pipeline.Model.Qwen3;
using Pipeline.Model.Scoring;

namespace Pipeline.Model.Tests.Generation;

public class GenerationWithQwen3Tests
{
    private static readonly Qwen3ForCausalLM Model = TinyQwen3.Create(41, TinyQwen3.Config(layers: 2, tieWordEmbeddings: true));

    [Fact]
    public void Generate_GreedyRaggedBatch_EqualsEachPromptAlone()
    {
        var prompts = TestSequences.Random(41, Model.VocabSize, 5, 1, 9);
        var options = new GenerationOptions { Sampling = SamplingOptions.Greedy };

        var batch = BatchGenerator.Generate(Model, prompts.Select((p, i) => new GenerationRequest(p, 6 + 2 * i)).ToArray(), options);

        for (var i = 0; i < prompts.Length; i++)
        {
            var alone = BatchGenerator.Generate(Model, [new GenerationRequest(prompts[i], 6 + 2 * i)], options)[0];
            Assert.Equal(alone.TokenIds, batch[i].TokenIds);
            Assert.All(alone.RawLogProbs.Zip(batch[i].RawLogProbs), p => Assert.Equal(p.First, p.Second, 1e-4));
        }
    }

    [Theory]
    [InlineData(1f, 1f, 0)]
    [InlineData(0.7f, 0.9f, 20)]
    public void Generate_RawLogProbs_EqualTokenScorerOnPromptPlusCompletion(float temperature, float topP, int topK)
    {
        var prompts = TestSequences.Random(42, Model.VocabSize, 4, 7);
        var options = new GenerationOptions { Sampling = new() { Temperature = temperature, TopP = topP, TopK = topK }, Seed = 42 };

        var results = BatchGenerator.Generate(Model, prompts.Select(p => new GenerationRequest(p, 12)).ToArray(), options);

        var scored = TokenScorer.LogProbs(Model, prompts.Select((p, i) => p.Concat(results[i].TokenIds).ToArray()).ToArray(), temperature);
        for (var i = 0; i < prompts.Length; i++)
        {
            var completion = scored[i][(prompts[i].Length - 1)..];
            Assert.All(completion.Zip(results[i].RawLogProbs), p => Assert.Equal(p.First, p.Second, 1e-4));
            // The sampled distribution is the raw one renormalised over a support: never less likely.
            Assert.All(results[i].LogProbs.Zip(results[i].RawLogProbs), p => Assert.True(p.First >= p.Second - 1e-5));
        }
    }

    [Fact]
    public void Generate_SameSeed_ReproducesSampledBatch()
    {
        var requests = TestSequences.Random(43, Model.VocabSize, 3, 6).Select(p => new GenerationRequest(p, 10)).ToArray();
        var options = new GenerationOptions { Sampling = new() { Temperature = 1.2f }, Seed = 9 };

        var first = BatchGenerator.Generate(Model, requests, options);
        var second = BatchGenerator.Generate(Model, requests, options);

        Assert.Equal(first.SelectMany(r => r.TokenIds), second.SelectMany(r => r.TokenIds));
        Assert.Equal(first.SelectMany(r => r.LogProbs), second.SelectMany(r => r.LogProbs));
    }
}
