// Test support for the learner: a trainable float64 bigram language model (a V × V logit table as its only
// parameter, so finite differences are exact to ~1e-9 and every entry can be checked), deterministic training batches
// whose old log-probabilities are the model's own plus noise (so ratios differ from 1 and some tokens clip), and
// helpers to copy and compare weights.
using Pipeline.Model.Qwen3;
using Pipeline.Model.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Pipeline.Model.Tests.Training;

/// <summary>Next-token logits = table[current token]; float64 by default. Ignores the mask (no attention).</summary>
internal sealed class TrainableBigram : nn.Module, ICausalLM
{
    private readonly Parameter _table;

    public TrainableBigram(int vocabSize, ulong seed, ScalarType dtype = ScalarType.Float64) : base(nameof(TrainableBigram))
    {
        using var generator = new Generator(seed);
        _table = new Parameter(torch.randn([vocabSize, vocabSize], dtype: dtype, generator: generator));
        RegisterComponents();
    }

    public int VocabSize => (int)_table.shape[0];

    public Device Device => torch.CPU;

    public Parameter Table => _table;

    public Tensor Forward(Tensor inputIds, Tensor? positionIds = null, Tensor? attentionMask = null, KvCache? cache = null, int logitsToKeep = 0)
    {
        using var scope = torch.NewDisposeScope();
        var rows = _table.index_select(0, inputIds.to(ScalarType.Int64).reshape(-1)); // (B·T, V)
        return rows.reshape(inputIds.shape[0], inputIds.shape[1], VocabSize).MoveToOuterDisposeScope();
    }

    public KvCache NewCache(long batchSize, int capacity) => throw new NotSupportedException("the bigram test model has no cache");
}

internal static class TrainingFixtures
{
    /// <summary>
    /// <paramref name="groups"/> groups of <paramref name="groupSize"/> responses with random prompts (2–5 tokens) and
    /// responses (1–6 tokens), advantages in [−1.5, 1.5], old log-probabilities = the model's ± up to
    /// <paramref name="noise"/>; responses listed in <paramref name="masked"/> (flat index) do not train.
    /// </summary>
    public static List<TrainingSample> Batch(ICausalLM model, int seed, int groups = 2, int groupSize = 3, double noise = 0.4,
        params int[] masked)
    {
        var random = new Random(seed);
        var samples = new List<TrainingSample>();
        for (var g = 0; g < groups; g++)
        {
            var prompt = Ids(random, model.VocabSize, random.Next(2, 6));
            for (var i = 0; i < groupSize; i++)
            {
                var response = Ids(random, model.VocabSize, random.Next(1, 7));
                var advantage = Math.Round(random.NextDouble() * 3 - 1.5, 3);
                samples.Add(new TrainingSample(prompt, response, new float[response.Length], advantage,
                    !masked.Contains(samples.Count), 0, $"g{seed}-{g}"));
            }
        }
        return WithOldLogProbs(model, samples, random, noise);
    }

    /// <summary>Replaces each sample's old log-probabilities by the model's current ones ± uniform noise.</summary>
    public static List<TrainingSample> WithOldLogProbs(ICausalLM model, List<TrainingSample> samples, Random random, double noise)
    {
        using var scores = ResponseScorer.Score(model, samples, 1.0, withGrad: false);
        var logProbs = scores.LogProbs.to(ScalarType.Float64).data<double>().ToArray();
        var width = (int)scores.LogProbs.shape[1];
        return samples.Select((s, b) => s with
        {
            OldLogProbs = s.ResponseIds.Select((_, r) => (float)(logProbs[b * width + r] + (random.NextDouble() * 2 - 1) * noise)).ToArray(),
        }).ToList();
    }

    /// <summary>Every parameter's values, flattened, in parameter order (float64).</summary>
    public static double[][] Weights(nn.Module module) =>
        module.parameters().Select(p => p.detach().to(ScalarType.Float64).data<double>().ToArray()).ToArray();

    /// <summary>Every parameter's gradient, flattened (zeros where none).</summary>
    public static double[][] Grads(nn.Module module) =>
        module.parameters().Select(p => p.grad is null ? new double[p.numel()] : p.grad.to(ScalarType.Float64).data<double>().ToArray()).ToArray();

    /// <summary>Copies every parameter of <paramref name="source"/> into <paramref name="target"/> (same architecture).</summary>
    public static void CopyWeights(nn.Module source, nn.Module target)
    {
        using var noGrad = torch.no_grad();
        foreach (var (from, to) in source.parameters().Zip(target.parameters())) to.copy_(from);
    }

    /// <summary>Largest |a − b| / max(|a|, |b|, floor) over matching entries.</summary>
    public static double MaxRelativeError(double[][] a, double[][] b, double floor = 1e-8) =>
        a.Zip(b).SelectMany(p => p.First.Zip(p.Second, (x, y) => Math.Abs(x - y) / Math.Max(floor, Math.Max(Math.Abs(x), Math.Abs(y))))).Max();

    private static int[] Ids(Random random, int vocabSize, int count) => Enumerable.Range(0, count).Select(_ => random.Next(vocabSize)).ToArray();
}
