// ResponseScorer against TokenScorer (the independently tested scorer): the same log-probabilities and entropies at
// the response positions of ragged prompt ‖ response sequences, at a temperature; and gradients only when asked.
using Pipeline.Model.Qwen3;
using Pipeline.Model.Scoring;
using Pipeline.Model.Training;

namespace Pipeline.Model.Tests.Training;

public class ResponseScorerTests
{
    private static readonly Qwen3ForCausalLM Model = TinyQwen3.Create(71);

    [Fact]
    public void Score_RaggedPromptsAndResponses_MatchesTokenScorerAtResponsePositions()
    {
        var prompts = TestSequences.Random(72, Model.VocabSize, 3, 1, 6, 2);
        var responses = TestSequences.Random(73, Model.VocabSize, 4, 2, 1, 0);
        var samples = prompts.Select((p, i) => new TrainingSample(p, responses[i], new float[responses[i].Length], 0, true, 0, "g")).ToList();

        using var scores = ResponseScorer.Score(Model, samples, 0.7, withGrad: false);
        using var reference = TokenScorer.Score(Model, samples.Select(s => s.Sequence()).ToList(), 0.7f);

        var logProbs = reference.LogProbArrays();
        var entropies = reference.EntropyArrays();
        var width = (int)scores.LogProbs.shape[1];
        var ours = scores.LogProbs.data<float>().ToArray();
        var ourEntropies = scores.Entropies.data<float>().ToArray();
        var mask = scores.Mask.data<bool>().ToArray();
        for (var b = 0; b < samples.Count; b++)
        {
            var p = samples[b].PromptIds.Length;
            for (var r = 0; r < width; r++)
            {
                Assert.Equal(r < responses[b].Length, mask[b * width + r]);
                if (r >= responses[b].Length) continue;
                Assert.Equal(logProbs[b][p - 1 + r], ours[b * width + r], 1e-5);
                Assert.Equal(entropies[b][p - 1 + r], ourEntropies[b * width + r], 1e-5);
            }
        }
    }

    [Fact]
    public void Score_WithGrad_OnlyLogProbsCarryGradient()
    {
        var samples = new List<TrainingSample> { new([1, 2], [3, 4], [0f, 0f], 1, true, 0, "g") };

        using var withGrad = ResponseScorer.Score(Model, samples, 1.0, withGrad: true);
        using var without = ResponseScorer.Score(Model, samples, 1.0, withGrad: false);

        Assert.True(withGrad.LogProbs.requires_grad);
        Assert.False(withGrad.Entropies.requires_grad);
        Assert.False(without.LogProbs.requires_grad);
    }

    [Fact]
    public void Score_IdOutsideVocabulary_ThrowsArgumentException()
    {
        var samples = new List<TrainingSample> { new([1, 2], [Model.VocabSize], [0f], 1, true, 0, "g") };

        Assert.Throws<ArgumentException>(() => ResponseScorer.Score(Model, samples, 1.0, withGrad: false));
    }
}
