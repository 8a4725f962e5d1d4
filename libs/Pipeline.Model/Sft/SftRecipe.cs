// The whole SFT recipe behind `pipeline sft`: write the task's tokenizer (and a generation_config.json with the EOS)
// into the output folder, build a Qwen3 of the spec's architecture from a seeded generator, train it on freshly
// drawn verbose examples in length-bucketed batches, evaluate greedily on easy test problems every few steps, and
// save the weights beside the tokenizer as an HF folder that ModelFolder.Load reads like any other.
// Everything random comes from the spec's seed: the same spec on the same machine writes the same model.
using System.Globalization;
using System.Text.Json.Nodes;
using Pipeline.Core.Metrics;
using Pipeline.Core.Spec;
using Pipeline.Core.Tasks.Arith;
using Pipeline.Model.Qwen3;
using Pipeline.Model.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Model.Sft;

/// <summary>What an SFT run produced.</summary>
/// <param name="FinalLoss">Mean loss over the last tenth of the steps (at most 50).</param>
/// <param name="GreedyAccuracy">The last quick evaluation (greedy, easy test problems), when there was one.</param>
/// <param name="PaddingFraction">Share of computed positions that were padding.</param>
public sealed record SftSummary(string Folder, long Parameters, int VocabSize, int Steps, TimeSpan Elapsed, double FinalLoss,
    double? GreedyAccuracy, IReadOnlyDictionary<string, int> TrainingProblems, double PaddingFraction, int SkippedSteps);

/// <summary>Runs an SFT spec end to end (see the file header).</summary>
public static class SftRecipe
{
    /// <summary>The longest answer the quick evaluation waits for.</summary>
    public const int QuickEvalMaxTokens = 256;

    /// <summary>The model config of <paramref name="model"/> for <paramref name="tokenizer"/> (vocabulary padded to a multiple of 64).</summary>
    public static Qwen3Config ModelConfig(SftModelSpec model, QwenTokenizer tokenizer) =>
        TinyQwen3.Config(
            vocabSize: (tokenizer.VocabSize + 63) / 64 * 64,
            hiddenSize: model.HiddenSize, layers: model.Layers, heads: model.Heads, kvHeads: model.KvHeads,
            headDim: model.HeadDim, intermediateSize: model.IntermediateSize, tieWordEmbeddings: model.TieWordEmbeddings,
            ropeTheta: model.RopeTheta) with
        {
            EosTokenIds = tokenizer.EosTokenIds,
            MaxPositionEmbeddings = 1024,
        };

    /// <summary>A freshly initialised model: normal(0, initStd) weights from a generator seeded with <paramref name="seed"/>.</summary>
    public static Qwen3ForCausalLM CreateModel(Qwen3Config config, double initStd, int seed)
    {
        var model = new Qwen3ForCausalLM(config);
        using var generator = new Generator((ulong)seed, model.Device);
        model.InitializeWeights(initStd, generator);
        return model;
    }

    /// <summary>Writes the task tokenizer and a generation_config.json (EOS, sampling at temperature 1) into <paramref name="folder"/>.</summary>
    public static QwenTokenizer WriteTokenizer(string folder)
    {
        ArithVocabulary.Write(folder);
        var tokenizer = QwenTokenizer.FromFolder(folder);
        var eos = new JsonArray([.. tokenizer.EosTokenIds.Select(id => (JsonNode?)id)]);
        var generation = new JsonObject
        {
            ["eos_token_id"] = eos,
            ["pad_token_id"] = tokenizer.PadTokenId,
            ["do_sample"] = true,
            ["temperature"] = 1.0,
            ["top_p"] = 1.0,
        };
        File.WriteAllText(Path.Combine(folder, ModelFolder.GenerationConfigFile), generation.ToJsonString(new() { WriteIndented = true }));
        return QwenTokenizer.FromFolder(folder);
    }

    /// <summary>Loads LibTorch and sets its intra-op thread count (process-wide).</summary>
    public static void UseThreads(int threads)
    {
        Runtime.TorchRuntime.EnsureLoaded();
        torch.set_num_threads(threads);
    }

    /// <summary>Vocabulary, model size, training pool and token counts of prompts and targets (1000 examples drawn aside).</summary>
    public static string DescribeData(QwenTokenizer tokenizer, SftSpec spec, Qwen3Config config, long parameters)
    {
        var sampler = new SftExampleSampler(tokenizer, spec.Task, spec.Verbosity, spec.Seed + 7);
        var examples = Enumerable.Range(0, 1000).Select(_ => sampler.Next()).ToList();
        var prompts = LengthStats.Compute(examples.Select(e => e.PromptIds.Length));
        var responses = LengthStats.Compute(examples.Select(e => e.ResponseIds.Length));
        var pools = string.Join(", ", sampler.PoolSizes.Select(kv => $"{kv.Key} {kv.Value}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"model: {parameters:N0} parameters, vocabulary {tokenizer.VocabSize} ids ({ArithVocabulary.Words().Count} task words) padded to {config.VocabSize}\n" +
            $"training problems: {pools}\n" +
            $"tokens per prompt: mean {prompts.Mean:F1}, min {prompts.Min}, max {prompts.Max}; " +
            $"per training response: mean {responses.Mean:F1}, median {responses.Median:F0}, p90 {responses.P90:F0}, max {responses.Max}");
    }

    /// <summary>Trains the model of <paramref name="spec"/> and writes the HF folder at spec.output.path.</summary>
    public static SftSummary Run(SftSpec spec, SftProgress progress)
    {
        UseThreads(spec.Threads);
        var folder = spec.Output.Path;
        Directory.CreateDirectory(folder);
        var tokenizer = WriteTokenizer(folder);
        var config = ModelConfig(spec.Model, tokenizer);
        using var model = CreateModel(config, spec.Model.InitStd, spec.Seed);
        var sampler = new SftExampleSampler(tokenizer, spec.Task, spec.Verbosity, spec.Seed);
        progress.Note(DescribeData(tokenizer, spec, config, model.parameters().Sum(p => p.numel())));
        var quickProblems = ArithTask.Problems("test", Difficulty.Easy, spec.Evaluation.Problems, exhaustive: false);
        var evaluator = new SftEvaluator(model, tokenizer, tokenizer.EosTokenIds);

        using var trainer = new SftTrainer(model, spec.Optimizer);
        var batches = SftBatches.Bucketed(sampler.Next, spec.Optimizer.BatchSize, spec.Optimizer.BucketBatches, new Random(spec.Seed + 1)).GetEnumerator();
        var recent = new Queue<double>();
        var window = Math.Clamp(spec.Optimizer.Steps / 10, 1, 50);
        double? accuracy = null;
        long positions = 0, real = 0;
        for (var step = 1; step <= spec.Optimizer.Steps; step++)
        {
            batches.MoveNext();
            using var batch = SftBatches.Collate(batches.Current, tokenizer.PadTokenId ?? 0);
            var result = trainer.Step(batch, step);
            (positions, real) = (positions + batch.Positions, real + batch.RealPositions);
            if (!result.Skipped) recent.Enqueue(result.Loss);
            if (recent.Count > window) recent.Dequeue();
            progress.Report(result);
            var every = spec.Evaluation.Every;
            if (every > 0 && (step % every == 0 || step == spec.Optimizer.Steps))
            {
                accuracy = evaluator.GreedyAccuracy(quickProblems, QuickEvalMaxTokens);
                progress.Note($"step {step}: greedy accuracy {accuracy:P1} on {quickProblems.Count} easy test problems");
            }
        }
        var dtype = spec.Output.Dtype == ModelDType.BFloat16 ? ScalarType.BFloat16 : ScalarType.Float32;
        ModelFolder.Save(model, folder, folder, dtype);
        return new SftSummary(Path.GetFullPath(folder), model.parameters().Sum(p => p.numel()), config.VocabSize,
            spec.Optimizer.Steps, progress.Elapsed, recent.Count == 0 ? double.NaN : recent.Average(), accuracy,
            sampler.PoolSizes, positions == 0 ? 0 : 1 - ((double)real / positions), trainer.SkippedSteps);
    }
}
