using System.ComponentModel;

namespace Pipeline.Core.Spec;

// The SFT recipe: the document `pipeline sft` takes to train a small Qwen3-architecture reasoner from scratch on
// verbose chain-of-thought solutions of the synthetic task (how models/tiny-reasoner is made). Same conventions as
// ExperimentSpec.cs: every property has a [Description] and its default as an initialiser, names bind in camelCase,
// and validation lives in SftSpecLoader, not here.

/// <summary>A whole SFT document: apiVersion, kind (<c>Sft</c>), metadata and spec.</summary>
public sealed class SftDocument
{
    public const string KindValue = "Sft";

    [Description("Must be " + ExperimentDocument.ApiVersionValue + ".")]
    public string ApiVersion { get; set; } = ExperimentDocument.ApiVersionValue;

    [Description("Must be " + KindValue + ".")]
    public string Kind { get; set; } = KindValue;

    [Description("Name of the recipe.")]
    public ExperimentMetadata Metadata { get; set; } = new();

    [Description("Architecture, data, optimisation, evaluation and output of the SFT run.")]
    public SftSpec Spec { get; set; } = new();
}

public sealed class SftSpec
{
    [Description("The Qwen3 architecture of the model trained from scratch.")]
    public SftModelSpec Model { get; set; } = new();

    [Description("The training problems.")]
    public SftTaskSpec Task { get; set; } = new();

    [Description("How verbose each training target is: a verbosity drawn uniformly per example.")]
    public VerbositySpec Verbosity { get; set; } = new();

    [Description("AdamW with linear warm-up and cosine decay.")]
    public SftOptimizerSpec Optimizer { get; set; } = new();

    [Description("Quick evaluations during training and the final report.")]
    public SftEvaluationSpec Evaluation { get; set; } = new();

    [Description("Where the HF model folder is written.")]
    public SftOutputSpec Output { get; set; } = new();

    [Description("Seed for every random choice (initialisation, problems, verbosity, batch order, sampling). Default 0.")]
    public int Seed { get; set; }

    [Description("CPU threads for LibTorch; results are reproducible at a fixed count. Default 1: a model this small gains " +
                 "nothing from a second thread, and OpenMP's spin-waiting stalls when other processes share the cores.")]
    public int Threads { get; set; } = 1;
}

public sealed class SftModelSpec
{
    [Description("Hidden size (model width). Default 128.")]
    public int HiddenSize { get; set; } = 128;

    [Description("Decoder layers. Default 4.")]
    public int Layers { get; set; } = 4;

    [Description("Attention (query) heads. Default 4.")]
    public int Heads { get; set; } = 4;

    [Description("Key/value heads (grouped-query attention); must divide heads. Default 2.")]
    public int KvHeads { get; set; } = 2;

    [Description("Dimension of one head. Default 32.")]
    public int HeadDim { get; set; } = 32;

    [Description("SwiGLU MLP inner size. Default 384.")]
    public int IntermediateSize { get; set; } = 384;

    [Description("Share the embedding matrix with the LM head. Default true.")]
    public bool TieWordEmbeddings { get; set; } = true;

    [Description("Rotary base frequency. Default 10000.")]
    public double RopeTheta { get; set; } = 10_000;

    [Description("Standard deviation of the normal initialisation of linear and embedding weights. Default 0.02.")]
    public double InitStd { get; set; } = 0.02;
}

public sealed class SftTaskSpec
{
    [Description("The task: synthetic:arith (the only SFT source). Default synthetic:arith.")]
    public string Source { get; set; } = "synthetic:arith";

    [Description("Distinct training problems, shared among the difficulties by the mix (a level with fewer distinct problems gives all it has). Default 20000.")]
    public int Problems { get; set; } = 20_000;

    [Description("Relative weight of each difficulty, both in the problem pool and in the examples drawn per step.")]
    public DifficultyMixSpec Mix { get; set; } = new();
}

public sealed class DifficultyMixSpec
{
    [Description("Weight of easy problems. Default 0.7.")]
    public double Easy { get; set; } = 0.7;

    [Description("Weight of medium problems. Default 0.2.")]
    public double Medium { get; set; } = 0.2;

    [Description("Weight of hard problems. Default 0.1.")]
    public double Hard { get; set; } = 0.1;
}

public sealed class VerbositySpec
{
    [Description("Lowest verbosity in [0, 1]; 0 is the minimal chain of thought. Default 0.")]
    public double Min { get; set; }

    [Description("Highest verbosity in [0, 1]; 1 adds every kind of redundancy often. Default 1.")]
    public double Max { get; set; } = 1;
}

public sealed class SftOptimizerSpec
{
    [Description("Optimiser steps (one batch each). Default 1000.")]
    public int Steps { get; set; } = 1000;

    [Description("Examples per batch. Default 64.")]
    public int BatchSize { get; set; } = 64;

    [Description("Peak AdamW learning rate. Default 2e-3.")]
    public double LearningRate { get; set; } = 2e-3;

    [Description("Learning rate at the end of the cosine decay, as a fraction of the peak. Default 0.1.")]
    public double MinLearningRateRatio { get; set; } = 0.1;

    [Description("Linear warm-up steps from 0 to the peak learning rate. Default 50.")]
    public int WarmupSteps { get; set; } = 50;

    [Description("AdamW decoupled weight decay of matrices (norm weights are not decayed). Default 0.1.")]
    public double WeightDecay { get; set; } = 0.1;

    [Description("AdamW beta1. Default 0.9.")]
    public double Beta1 { get; set; } = 0.9;

    [Description("AdamW beta2. Default 0.95.")]
    public double Beta2 { get; set; } = 0.95;

    [Description("Gradient-norm clipping threshold; 0 turns it off. Default 1.0.")]
    public double MaxGradNorm { get; set; } = 1.0;

    [Description("Length bucketing: this many batches are drawn at once, sorted by length and cut into batches, to cut padding; 1 turns it off. Default 16.")]
    public int BucketBatches { get; set; } = 16;
}

public sealed class SftEvaluationSpec
{
    [Description("Quick greedy evaluation every N steps (and at the end); 0 turns it off. Default 100.")]
    public int Every { get; set; } = 100;

    [Description("Easy test problems in the quick evaluation. Default 64.")]
    public int Problems { get; set; } = 64;

    [Description("The report printed after training (and written to eval.json); null skips it.")]
    public SftFinalEvaluationSpec? Final { get; set; } = new();
}

public sealed class SftFinalEvaluationSpec
{
    [Description("Test problems per difficulty (easy, medium, hard). Default 200.")]
    public int Problems { get; set; } = 200;

    [Description("Samples per problem at the sampling temperature. Default 4.")]
    public int Samples { get; set; } = 4;

    [Description("Sampling temperature. Default 1.0.")]
    public double Temperature { get; set; } = 1.0;

    [Description("Token budgets, strictly increasing; the samples are generated once at the largest. Default 32, 64, 128, 256.")]
    public List<int> Budgets { get; set; } = [32, 64, 128, 256];

    [Description("Samples per easy problem for the pass-rate distribution (the RL stage keeps pass rate > 0.5); 0 skips it. Default 8.")]
    public int PassRateSamples { get; set; } = 8;
}

public sealed class SftOutputSpec
{
    [Description("The HF model folder to write (created if needed). Required.")]
    public string Path { get; set; } = "";

    [Description("Storage dtype of the weights: float32 or bfloat16 (half the size; upcast at load). Default bfloat16.")]
    public ModelDType Dtype { get; set; } = ModelDType.BFloat16;
}
