// Parity of the TorchSharp Qwen3 with ReferenceQwen3 (plain C#, double precision, no shared code) on random small
// configs: head_dim 16 ≠ hidden/heads, GQA (4 query heads over 2 or 1 KV heads) and plain MHA, tied and untied heads.
// Compared: full log-softmax rows of every position, and TokenScorer's per-token log-probabilities of a ragged batch.
using Pipeline.Model.Qwen3;
using Pipeline.Model.Scoring;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Pipeline.Model.Tests.Qwen3;

public class Qwen3ParityTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(false, 2, 2, 1UL)]
    [InlineData(true, 3, 2, 2UL)]
    [InlineData(false, 3, 1, 3UL)]
    [InlineData(true, 2, 4, 4UL)]
    public void LogProbs_Float32Weights_MatchReferenceWithin1e4(bool tied, int layers, int kvHeads, ulong seed)
    {
        using var model = TinyQwen3.Create(seed, TinyQwen3.Config(layers: layers, kvHeads: kvHeads, tieWordEmbeddings: tied));

        var difference = MaxLogProbDifference(model, (int)seed);

        output.WriteLine($"float32 tied={tied} layers={layers} kvHeads={kvHeads}: max |Δ logprob| = {difference:E2}");
        Assert.InRange(difference, 0, 1e-4);
    }

    [Theory]
    [InlineData(false, 5UL)]
    [InlineData(true, 6UL)]
    public void LogProbs_Bfloat16RoundedWeights_MatchReferenceWithin1e3(bool tied, ulong seed)
    {
        // A bf16 checkpoint loaded for CPU: weights rounded to bf16, upcast, computed in float32.
        using var model = TinyQwen3.Create(seed, TinyQwen3.Config(layers: 3, tieWordEmbeddings: tied));
        RoundWeightsToBfloat16(model);

        var difference = MaxLogProbDifference(model, (int)seed);

        output.WriteLine($"bf16-rounded weights, f32 compute, tied={tied}: max |Δ logprob| = {difference:E2}");
        Assert.InRange(difference, 0, 1e-3);
    }

    [Fact]
    public void LogProbs_Bfloat16Compute_StayCloseToReference()
    {
        // The GPU configuration (bf16 parameters and activations) runs and stays near the exact result; bf16 keeps
        // ~3 significant digits, so this is a smoke bound, not parity.
        using var model = TinyQwen3.Create(7, TinyQwen3.Config(layers: 2), dtype: ScalarType.BFloat16);

        var difference = MaxLogProbDifference(model, 7);

        output.WriteLine($"bf16 compute: max |Δ logprob| = {difference:E2}");
        Assert.InRange(difference, 0, 0.15);
    }

    internal static double MaxLogProbDifference(Qwen3ForCausalLM model, int seed)
    {
        var reference = new ReferenceQwen3(model);
        var sequences = TestSequences.Random(seed, model.VocabSize, 17, 9, 2, 24);
        var expected = sequences.Select(reference.LogProbs).ToArray(); // [b][t][V]
        var worst = 0.0;
        using (torch.no_grad())
        {
            foreach (var (sequence, b) in sequences.Select((s, b) => (s, b)))
            {
                using var scope = torch.NewDisposeScope();
                var ids = torch.tensor(sequence.Select(i => (long)i).ToArray(), [1, sequence.Length]);
                var rows = model.Forward(ids).to(ScalarType.Float64).log_softmax(-1).data<double>().ToArray(); // (1, T, V) flat
                var flat = expected[b].SelectMany(r => r).ToArray();
                worst = Math.Max(worst, rows.Select((v, i) => Math.Abs(v - flat[i])).Max());
            }
        }
        var scored = TokenScorer.LogProbs(model, sequences);
        for (var b = 0; b < sequences.Length; b++)
            for (var i = 1; i < sequences[b].Length; i++)
                worst = Math.Max(worst, Math.Abs(scored[b][i - 1] - expected[b][i - 1][sequences[b][i]]));
        return worst;
    }

    private static void RoundWeightsToBfloat16(Qwen3ForCausalLM model)
    {
        using var noGrad = torch.no_grad();
        foreach (var parameter in model.parameters())
        {
            using var rounded = parameter.to(ScalarType.BFloat16).to(ScalarType.Float32);
            parameter.copy_(rounded);
        }
    }
}
