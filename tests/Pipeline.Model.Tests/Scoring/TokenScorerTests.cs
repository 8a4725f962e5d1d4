// TokenScorer against the independent reference (log-probabilities and entropies, with temperature), ragged batches
// against single sequences, gradients, and input validation before any tensor op.
using Pipeline.Model.Qwen3;
using Pipeline.Model.Scoring;
using Pipeline.Model.Tests.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Tests.Scoring;

public class TokenScorerTests
{
    private static readonly Qwen3ForCausalLM Model = TinyQwen3.Create(31);

    [Theory]
    [InlineData(1f)]
    [InlineData(0.6f)]
    public void Score_RaggedBatch_MatchesReferenceLogProbsAndEntropies(float temperature)
    {
        var sequences = TestSequences.Random(31, Model.VocabSize, 9, 1, 14, 4);
        var reference = new ReferenceQwen3(Model);

        using var scored = TokenScorer.Score(Model, sequences, temperature);

        var logProbs = scored.LogProbArrays();
        var entropies = scored.EntropyArrays();
        Assert.Equal([8, 0, 13, 3], logProbs.Select(r => r.Length));
        for (var b = 0; b < sequences.Length; b++)
        {
            var logits = reference.Logits(sequences[b]);
            for (var i = 1; i < sequences[b].Length; i++)
            {
                var distribution = ReferenceQwen3.LogSoftmax(logits[i - 1].Select(v => v / temperature).ToArray());
                var entropy = -distribution.Sum(l => Math.Exp(l) * l);
                Assert.Equal(distribution[sequences[b][i]], logProbs[b][i - 1], 1e-4);
                Assert.Equal(entropy, entropies[b][i - 1], 1e-4);
            }
        }
    }

    [Fact]
    public void Score_Batch_EqualsEachSequenceScoredAlone()
    {
        var sequences = TestSequences.Random(32, Model.VocabSize, 3, 11, 6);

        var batch = TokenScorer.LogProbs(Model, sequences);

        for (var b = 0; b < sequences.Length; b++)
        {
            var alone = TokenScorer.LogProbs(Model, [sequences[b]])[0];
            Assert.Equal(alone.Length, batch[b].Length);
            Assert.All(alone.Zip(batch[b]), p => Assert.Equal(p.First, p.Second, 1e-5));
        }
    }

    [Fact]
    public void Score_Tensors_HavePaddedShapeMaskAndZeroPadding()
    {
        using var scored = TokenScorer.Score(Model, [[1, 2, 3, 4], [5, 6]]);

        Assert.Equal([2L, 3], scored.LogProbs.shape);
        Assert.Equal([2L, 3], scored.Entropies.shape);
        Assert.Equal(new[] { true, true, true, true, false, false }, scored.Mask.data<bool>().ToArray());
        Assert.Equal(0f, scored.LogProbs[1, 2].item<float>());
        Assert.Equal(0f, scored.Entropies[1, 1].item<float>());
    }

    [Fact]
    public void Score_WithGrad_BackpropagatesToEveryParameter()
    {
        using var model = TinyQwen3.Create(33);

        using (var scored = TokenScorer.Score(model, [[1, 2, 3, 4, 5], [6, 7, 8]], temperature: 0.8f, withGrad: true))
        {
            Assert.True(scored.LogProbs.requires_grad);
            Assert.False(scored.Entropies.requires_grad);
            using var loss = -scored.LogProbs.sum();
            loss.backward();
        }

        Assert.All(model.named_parameters(), p =>
        {
            Assert.NotNull(p.parameter.grad);
            Assert.True(p.parameter.grad!.abs().sum().item<float>() > 0, p.name);
        });
    }

    [Fact]
    public void Score_WithoutGrad_HasNoGraph()
    {
        using var scored = TokenScorer.Score(Model, [[1, 2, 3]]);

        Assert.False(scored.LogProbs.requires_grad);
    }

    [Theory]
    [InlineData(97, "sequence 1, position 2: token id 97 is outside the vocabulary [0, 97)")]
    [InlineData(-3, "sequence 1, position 2: token id -3 is outside the vocabulary [0, 97)")]
    public void Score_IdOutsideVocabulary_ThrowsBeforeAnyMatmul(int id, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => TokenScorer.Score(Model, [[1, 2], [3, 4, id]]));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Score_EmptySequence_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => TokenScorer.Score(Model, [[1, 2], []]));

        Assert.Contains("sequence 1 is empty", error.Message);
    }

    [Fact]
    public void Score_NoSequences_Throws()
    {
        Assert.Throws<ArgumentException>(() => TokenScorer.Score(Model, []));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    public void Score_NonPositiveTemperature_Throws(float temperature)
    {
        Assert.Throws<ArgumentException>(() => TokenScorer.Score(Model, [[1, 2]], temperature));
    }
}
