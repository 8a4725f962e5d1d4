using System.ComponentModel;

namespace Pipeline.Core.Spec;

// The experiment spec: the document `pipeline run` takes and the `spec` of the Experiment custom resource.
// These types are the source of truth. Every property carries a [Description] (it becomes the CRD's OpenAPI
// description and `pipeline validate`'s help) and its default as an initialiser. Property names are bound in
// camelCase (`groupSize`); enum values by their [EnumMember] spelling (`dr-grpo`). Validation lives in
// SpecValidator, not here, so the types stay plain.

/// <summary>A whole experiment document: apiVersion, kind, metadata and spec.</summary>
public sealed class ExperimentDocument
{
    public const string ApiVersionValue = "pipeline.efficient-reasoning.dev/v1alpha1";
    public const string KindValue = "Experiment";

    [Description("Must be " + ApiVersionValue + ".")]
    public string ApiVersion { get; set; } = ApiVersionValue;

    [Description("Must be " + KindValue + ".")]
    public string Kind { get; set; } = KindValue;

    [Description("Name (and optional namespace) of the experiment.")]
    public ExperimentMetadata Metadata { get; set; } = new();

    [Description("What to train, on what, with which reward and optimiser, and how to evaluate it.")]
    public ExperimentSpec Spec { get; set; } = new();
}

public sealed class ExperimentMetadata
{
    [Description("Experiment name: lower-case letters, digits and '-', at most 63 characters. Names the run folder and the Kafka topics.")]
    public string Name { get; set; } = "";

    [Description("Kubernetes namespace; prefixes the Kafka topics. Default: default.")]
    public string? Namespace { get; set; }

    [Description("Free-form labels, copied onto every object the experiment creates.")]
    public Dictionary<string, string>? Labels { get; set; }
}

[CelRule("self.optimizer.microBatchTokens >= self.rollout.maxTokens", "optimizer.microBatchTokens must be ≥ rollout.maxTokens so one response fits", FieldPath = ".optimizer.microBatchTokens")]
public sealed class ExperimentSpec
{
    [Description("The policy to train: an HF model folder.")]
    [Immutable]
    public ModelSpec Model { get; set; } = new();

    [Description("Training prompts, their filtering, and the held-out evaluation sets.")]
    [Immutable]
    public DataSpec Data { get; set; } = new();

    [Description("How rollouts are sampled during training.")]
    public RolloutSpec Rollout { get; set; } = new();

    [Description("How rollouts are judged and turned into rewards and loss masks.")]
    [Immutable]
    public RewardSpec Reward { get; set; } = new();

    [Description("The GRPO-family optimisation.")]
    [Immutable]
    public OptimizerSpec Optimizer { get; set; } = new();

    [Description("Budget-sweep evaluation during and after training.")]
    [Immutable]
    public EvaluationSpec Evaluation { get; set; } = new();

    [Description("Stop every service (their pods end) until set back to false; the run then continues from the last checkpoint and the topics' committed offsets (cluster only). Default false.")]
    public bool Suspend { get; set; }

    [Description("Seconds the experiment may run, counted from its start (suspended time included, as for a Job); then it fails with reason DeadlineExceeded (cluster only). Default: no limit.")]
    [Bounds(Minimum = 1)]
    public int? ActiveDeadlineSeconds { get; set; }

    [Description("How the controller runs the experiment in Kubernetes: images, Kafka, volumes, per-service pods. Ignored by pipeline run.")]
    public ClusterSpec Cluster { get; set; } = new();

    [Description("Seed for every random choice (data order, sampling, initialisation). Default 0.")]
    [Immutable]
    [Bounds(Minimum = 0)]
    public int Seed { get; set; }
}

public sealed class ModelSpec
{
    [Description("Path of an HF model folder (config.json, *.safetensors, tokenizer.json). Required.")]
    [RequiredField("the path of an HF model folder")]
    public string Path { get; set; } = "";

    [Description("Compute dtype: float32 (CPU), bfloat16 or float16 (GPU). Default float32.")]
    public ModelDType Dtype { get; set; } = ModelDType.Float32;
}

public sealed class DataSpec
{
    [Description("The training prompts. Required.")]
    public DataSourceSpec Train { get; set; } = new();

    [Description("Prompt selection before training (e.g. keep only easy prompts). Default: no filtering.")]
    public FilterSpec? Filter { get; set; }

    [Description("Held-out sets evaluated at every budget. Default: none.")]
    [ListMapKey("name")]
    [Items(MaxCount = 32)]
    public List<EvalSetSpec> Eval { get; set; } = [];
}

[CelRule("!has(self.promptTemplate) || self.promptTemplate.contains('{problem}')", "must contain the placeholder {problem}", FieldPath = ".promptTemplate")]
public sealed class DataSourceSpec
{
    [Description("Where prompts come from: 'synthetic:arith' (optionally '?split=test'), or a .jsonl or .parquet path. Required.")]
    [RequiredField("'synthetic:arith' or a .jsonl/.parquet path")]
    public string Source { get; set; } = "";

    [Description("Difficulty preset of a synthetic source: easy, medium, hard or mixed. Default easy. Not allowed for files.")]
    public Difficulty? Difficulty { get; set; }

    [Description("Use at most this many prompts (after filtering). Default: all (synthetic sources: 10000).")]
    [Bounds(Minimum = 1)]
    public int? Size { get; set; }

    [Description("Field names of a file source.")]
    public FieldsSpec Fields { get; set; } = new();

    [Description("Template that turns a problem into a prompt; must contain {problem}. Default: the math template of PAPER.md.")]
    public string? PromptTemplate { get; set; }
}

public sealed class FieldsSpec
{
    [Description("Field holding the problem text. Default: problem (falls back to question).")]
    public string? Problem { get; set; }

    [Description("Field holding the gold answer. Default: answer (falls back to solution).")]
    public string? Answer { get; set; }
}

public sealed class FilterSpec
{
    [Description("Keep prompts by the model's own pass rate, estimated by sampling before training.")]
    public PassRateFilterSpec? PassRate { get; set; }
}

[CelRule("has(self.above) || has(self.atMost)", "set 'above' (keep easy prompts), 'atMost' (keep hard prompts), or both")]
[CelRule("!has(self.above) || !has(self.atMost) || self.above < self.atMost", "'above' must be below 'atMost': no pass rate could satisfy both")]
public sealed class PassRateFilterSpec
{
    [Description("Samples per prompt to estimate the pass rate. Default 8 (the paper).")]
    [Bounds(Minimum = 1)]
    public int Samples { get; set; } = 8;

    [Description("Keep prompts whose pass rate is strictly above this (paper 'easy': 0.5).")]
    [Bounds(Minimum = 0, Maximum = 1)]
    public double? Above { get; set; }

    [Description("Keep prompts whose pass rate is at most this (paper 'hard': 0.5).")]
    [Bounds(Minimum = 0, Maximum = 1)]
    public double? AtMost { get; set; }

    [Description("Token limit of the sampling that estimates the pass rate: a generous budget measures what the model can solve (the paper's notion of easy). Default: rollout.maxTokens (the pass rate as the training reward sees it).")]
    [Bounds(Minimum = 1)]
    public int? MaxTokens { get; set; }
}

public sealed class EvalSetSpec
{
    [Description("Name of the set in reports and metrics. Required, unique.")]
    [RequiredField("a name such as 'arith-test'")]
    [Pattern("^[A-Za-z0-9._-]+$", "may contain only letters, digits, '-', '_' and '.'")]
    public string Name { get; set; } = "";

    [Description("Source, as data.train.source. Required.")]
    [RequiredField("'synthetic:arith' or a .jsonl/.parquet path")]
    public string Source { get; set; } = "";

    [Description("Use the first N problems. Default: all.")]
    [Bounds(Minimum = 1)]
    public int? Size { get; set; }

    [Description("Difficulty preset of a synthetic source. Default: that of data.train.")]
    public Difficulty? Difficulty { get; set; }

    [Description("Field names of a file source.")]
    public FieldsSpec Fields { get; set; } = new();
}

public sealed class RolloutSpec
{
    [Description("Responses sampled per prompt (N in the paper). Default 8; at least 2.")]
    [Immutable]
    [Bounds(Minimum = 2)]
    public int GroupSize { get; set; } = 8;

    [Description("Rollout length limit in tokens (L_R in the paper). Default 128.")]
    [Immutable]
    [Bounds(Minimum = 1)]
    public int MaxTokens { get; set; } = 128;

    [Description("Sampling temperature. Default 1.0.")]
    [Immutable]
    [Bounds(Minimum = 0, ExclusiveMinimum = true, Reason = "greedy groups have no variance to learn from")]
    public double Temperature { get; set; } = 1.0;

    [Description("Nucleus sampling threshold in (0, 1]. Default 1.0 (off).")]
    [Immutable]
    [Bounds(Minimum = 0, Maximum = 1, ExclusiveMinimum = true)]
    public double TopP { get; set; } = 1.0;

    [Description("Keep only the K most likely tokens; 0 turns it off. Default 0.")]
    [Immutable]
    [Bounds(Minimum = 0)]
    public int TopK { get; set; }

    [Description("Extra stop strings besides the model's end-of-sequence tokens. Default: none.")]
    [Immutable]
    [Items(MaxCount = 16)]
    public List<string> Stop { get; set; } = [];

    [Description("Rollout workers (cluster only). Default 1.")]
    [Bounds(Minimum = 1, Maximum = 1024)]
    public int Replicas { get; set; } = 1;
}

public sealed class RewardSpec
{
    [Description("How correctness is judged: math or exact. Default math.")]
    public VerifierKind Verifier { get; set; } = VerifierKind.Math;

    [Description("The length-shaped reward. Default: truncation at rollout.maxTokens (L_T = L_R).")]
    public ShapingSpec Shaping { get; set; } = new();

    [Description("Which negative rollouts are excluded from the loss: none, -I, -L&C, -L&C-S&I, -L&C-L&I. Default none.")]
    public MaskStrategy Mask { get; set; } = MaskStrategy.None;
}

public sealed class ShapingSpec
{
    [Description("Reward scheme: vanilla, truncation, kimi, laser, laser-d, l1-exact, l1-max, dapo-overlong, arora-zanette, shorter-better, think-prune. Default truncation.")]
    public ShapingType Type { get; set; } = ShapingType.Truncation;

    [Description("Target length L_T in tokens. Default: rollout.maxTokens. Used by truncation, laser, laser-d, l1-exact, l1-max.")]
    [Bounds(Minimum = 1)]
    public int? TargetTokens { get; set; }

    [Description("Strength of the length term (alpha of each scheme's paper). Default per scheme.")]
    public double? Alpha { get; set; }

    [Description("Second coefficient (shorter-better: weight of the length deviation). Default per scheme.")]
    public double? Beta { get; set; }

    [Description("Offset delta of l1-max. Default 0.5.")]
    public double? Delta { get; set; }

    [Description("dapo-overlong: the soft-penalty zone L_cache in tokens before rollout.maxTokens.")]
    public int? CacheTokens { get; set; }

    [Description("think-prune: the truncation limit per training step, tightened over rounds.")]
    [Items(MaxCount = 64)]
    public List<ScheduleStageSpec>? Schedule { get; set; }
}

public sealed class ScheduleStageSpec
{
    [Description("First training step at which this limit applies.")]
    public int Step { get; set; }

    [Description("Truncation limit in tokens from that step on.")]
    public int TargetTokens { get; set; }
}

[CelRule("self.miniBatches <= self.promptsPerStep", "miniBatches must be ≤ promptsPerStep: each mini-batch needs at least one group", FieldPath = ".miniBatches")]
public sealed class OptimizerSpec
{
    [Description("Advantage estimator: grpo, dr-grpo or rloo. Default grpo.")]
    public AdvantageAlgorithm Algorithm { get; set; } = AdvantageAlgorithm.Grpo;

    [Description("AdamW learning rate. Default 1e-6 (the paper).")]
    [Bounds(Minimum = 0, Maximum = 1, ExclusiveMinimum = true)]
    public double LearningRate { get; set; } = 1e-6;

    [Description("Linear learning-rate warm-up steps. Default 0.")]
    [Bounds(Minimum = 0)]
    public int WarmupSteps { get; set; }

    [Description("AdamW weight decay. Default 0.")]
    [Bounds(Minimum = 0)]
    public double WeightDecay { get; set; }

    [Description("PPO ratio clipping: 1 - low .. 1 + high. Default low 0.2, high 0.28 (clip-higher).")]
    public ClipSpec Clip { get; set; } = new();

    [Description("KL penalty to a frozen reference policy (k3 estimator). Default: off.")]
    public KlSpec Kl { get; set; } = new();

    [Description("Loss aggregation: token-mean, seq-mean-token-mean, seq-mean-token-sum, seq-mean-token-sum-norm. Default token-mean.")]
    public LossAggregation LossAggregation { get; set; } = LossAggregation.TokenMean;

    [Description("Advantage details.")]
    public AdvantageSpec Advantage { get; set; } = new();

    [Description("Prompts per training step (each gives rollout.groupSize responses). Default 16.")]
    [Bounds(Minimum = 1)]
    public int PromptsPerStep { get; set; } = 16;

    [Description("Training steps. Default 100.")]
    [Bounds(Minimum = 0)]
    public int Steps { get; set; } = 100;

    [Description("Optimisation passes over each batch. Default 1.")]
    [Bounds(Minimum = 1)]
    public int PpoEpochs { get; set; } = 1;

    [Description("Mini-batches per pass (one optimiser step each). Default 1.")]
    [Bounds(Minimum = 1)]
    public int MiniBatches { get; set; } = 1;

    [Description("Token cap of one micro-batch (gradients accumulate across micro-batches). Default 8192.")]
    [Bounds(Minimum = 1)]
    public int MicroBatchTokens { get; set; } = 8192;

    [Description("Gradient-norm clipping threshold; 0 turns it off. Default 1.0.")]
    [Bounds(Minimum = 0)]
    public double MaxGradNorm { get; set; } = 1.0;

    [Description("Rollouts of policy version v may train versions up to v + maxStaleness; 0 is on-policy. Default 0.")]
    [Bounds(Minimum = 0)]
    public int MaxStaleness { get; set; }

    [Description("DAPO dynamic sampling: drop groups whose rewards are all equal and fill the batch with more prompts. Default false.")]
    public bool DynamicSampling { get; set; }

    [Description("Write a checkpoint every N steps (and at the end). Default 50.")]
    [Bounds(Minimum = 1)]
    public int CheckpointEvery { get; set; } = 50;
}

public sealed class ClipSpec
{
    [Description("Lower clip epsilon. Default 0.2.")]
    [Bounds(Minimum = 0, Maximum = 1, ExclusiveMinimum = true)]
    public double Low { get; set; } = 0.2;

    [Description("Upper clip epsilon (clip-higher). Default 0.28.")]
    [Bounds(Minimum = 0, ExclusiveMinimum = true)]
    public double High { get; set; } = 0.28;
}

public sealed class KlSpec
{
    [Description("Coefficient of the k3 KL penalty to the initial policy; 0 turns it off. Default 0.")]
    [Bounds(Minimum = 0)]
    public double Coef { get; set; }
}

public sealed class AdvantageSpec
{
    [Description("Epsilon added to the group std (grpo). Default 1e-6.")]
    [Bounds(Minimum = 0, ExclusiveMinimum = true)]
    public double Epsilon { get; set; } = 1e-6;

    [Description("Whether responses excluded by reward.mask still count in the group mean and std. Default true: they were sampled, so they describe the group; the mask only removes their loss.")]
    public bool MaskedInGroupStats { get; set; } = true;
}

[CelRule("self.budgets.isSorted() && self.budgets.all(b, self.budgets.exists_one(c, c == b))", "budgets must be strictly increasing", FieldPath = ".budgets")]
public sealed class EvaluationSpec
{
    [Description("Evaluate every N training steps (also at step 0 and at the end); 0 evaluates only at start and end. Default 20.")]
    [Bounds(Minimum = 0)]
    public int Every { get; set; } = 20;

    [Description("Token budgets, strictly increasing. Default 16, 32, 64, 128, 256.")]
    [Items(MinCount = 1, MaxCount = 64)]
    [Bounds(Minimum = 1)]
    public List<int> Budgets { get; set; } = [16, 32, 64, 128, 256];

    [Description("Samples per problem (k of Mean@k and Pass@k). Default 8.")]
    [Bounds(Minimum = 1)]
    public int Samples { get; set; } = 8;

    [Description("What a sample not finished within budget B counts as. truncate: wrong at B. force-answer: it is cut at B, the end-of-thinking marker and the cue '\\boxed{' are appended, and the short answer the model then writes (at most 32 tokens) is judged; lengths still count B. Default truncate.")]
    public EvaluationMode Mode { get; set; } = EvaluationMode.Truncate;

    [Description("Sampling temperature for evaluation. Default: rollout.temperature.")]
    [Bounds(Minimum = 0)]
    public double? Temperature { get; set; }

    [Description("Nucleus threshold for evaluation. Default: rollout.topP.")]
    [Bounds(Minimum = 0, Maximum = 1, ExclusiveMinimum = true)]
    public double? TopP { get; set; }
}
