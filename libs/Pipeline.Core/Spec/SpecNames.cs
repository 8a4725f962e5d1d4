using System.Runtime.Serialization;

namespace Pipeline.Core.Spec;

// The names a spec may use for each choice. The [EnumMember] value is the spelling in YAML, in the CLI and in
// the CRD schema; the C# name is only for code.

/// <summary>How a response is judged correct against the gold answer.</summary>
public enum VerifierKind
{
    /// <summary>Boxed-answer math verifier: extraction, LaTeX normalisation, numeric and symbolic equivalence.</summary>
    [EnumMember(Value = "math")] Math,

    /// <summary>Normalised exact match of the extracted answer, for synthetic tasks.</summary>
    [EnumMember(Value = "exact")] Exact,
}

/// <summary>The length-shaped reward g(correct, length) of PAPER.md.</summary>
public enum ShapingType
{
    [EnumMember(Value = "vanilla")] Vanilla,
    [EnumMember(Value = "truncation")] Truncation,
    [EnumMember(Value = "kimi")] Kimi,
    [EnumMember(Value = "laser")] Laser,
    [EnumMember(Value = "laser-d")] LaserD,
    [EnumMember(Value = "l1-exact")] L1Exact,
    [EnumMember(Value = "l1-max")] L1Max,
    [EnumMember(Value = "dapo-overlong")] DapoOverlong,
    [EnumMember(Value = "arora-zanette")] AroraZanette,
    [EnumMember(Value = "shorter-better")] ShorterBetter,
    [EnumMember(Value = "think-prune")] ThinkPrune,
}

/// <summary>Which negative rollouts are excluded from the loss (PAPER.md, Table 1).</summary>
public enum MaskStrategy
{
    /// <summary>Every response trains.</summary>
    [EnumMember(Value = "none")] None,

    /// <summary>Exclude every incorrect response.</summary>
    [EnumMember(Value = "-I")] ExcludeIncorrect,

    /// <summary>Exclude correct responses that are too long.</summary>
    [EnumMember(Value = "-L&C")] ExcludeLongCorrect,

    /// <summary>Exclude long-correct and short-incorrect responses.</summary>
    [EnumMember(Value = "-L&C-S&I")] ExcludeLongCorrectShortIncorrect,

    /// <summary>Exclude long-correct and long-incorrect responses.</summary>
    [EnumMember(Value = "-L&C-L&I")] ExcludeLongCorrectLongIncorrect,
}

/// <summary>The advantage estimator of the GRPO family.</summary>
public enum AdvantageAlgorithm
{
    /// <summary>(r − mean) / (std + ε) over the group.</summary>
    [EnumMember(Value = "grpo")] Grpo,

    /// <summary>r − mean over the group (Dr. GRPO drops the std).</summary>
    [EnumMember(Value = "dr-grpo")] DrGrpo,

    /// <summary>r − mean of the other responses (leave-one-out).</summary>
    [EnumMember(Value = "rloo")] Rloo,
}

/// <summary>How per-token losses become one number.</summary>
public enum LossAggregation
{
    /// <summary>Mean over all unmasked tokens of the batch (DAPO).</summary>
    [EnumMember(Value = "token-mean")] TokenMean,

    /// <summary>Mean over tokens per sequence, then mean over sequences (original GRPO).</summary>
    [EnumMember(Value = "seq-mean-token-mean")] SeqMeanTokenMean,

    /// <summary>Sum over tokens per sequence, then mean over sequences.</summary>
    [EnumMember(Value = "seq-mean-token-sum")] SeqMeanTokenSum,

    /// <summary>Sum over tokens per sequence divided by a constant (the rollout limit), then mean (Dr. GRPO).</summary>
    [EnumMember(Value = "seq-mean-token-sum-norm")] SeqMeanTokenSumNorm,
}

/// <summary>Numeric type the model computes in.</summary>
public enum ModelDType
{
    [EnumMember(Value = "float32")] Float32,
    [EnumMember(Value = "bfloat16")] BFloat16,
    [EnumMember(Value = "float16")] Float16,
}

/// <summary>How the evaluator treats an answer that has not finished within a budget.</summary>
public enum EvaluationMode
{
    /// <summary>Unfinished at budget B counts as wrong at B (one pass at the largest budget serves all).</summary>
    [EnumMember(Value = "truncate")] Truncate,

    /// <summary>Cut at B, append the end-of-thinking marker and an answer cue, generate a short answer.</summary>
    [EnumMember(Value = "force-answer")] ForceAnswer,
}

/// <summary>Difficulty preset of the built-in synthetic task.</summary>
public enum Difficulty
{
    [EnumMember(Value = "easy")] Easy,
    [EnumMember(Value = "medium")] Medium,
    [EnumMember(Value = "hard")] Hard,
    [EnumMember(Value = "mixed")] Mixed,
}
