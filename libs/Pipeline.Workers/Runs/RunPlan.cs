using Pipeline.Contracts.V1;
using Pipeline.Core.Spec;
using Pipeline.Core.Tasks;
using Pipeline.Model.Tokenization;
using Pipeline.Workers.Evaluation;

namespace Pipeline.Workers.Runs;

/// <summary>
/// What the workers of one experiment take from its spec, in one place, so the embedded host and the four services
/// configure the stages identically (same sampling, same evaluation schedule, same seeds).
/// </summary>
public sealed class RunPlan(ExperimentDocument document, int evalSets)
{
    public ExperimentDocument Document { get; } = document;
    public ExperimentSpec Spec => Document.Spec;

    /// <summary>The experiment's name (metadata.name): the key of its policy announcements and topics.</summary>
    public string Experiment => Document.Metadata.Name;

    public LearnerWorkerOptions Learner() => new(Experiment, Spec.Optimizer.Steps, Spec.Optimizer.PromptsPerStep,
        Spec.Rollout.GroupSize, Spec.Optimizer.MaxStaleness, Spec.Optimizer.DynamicSampling, RolloutSampling(), Spec.Seed);

    public SamplingParams RolloutSampling()
    {
        var sampling = new SamplingParams { Temperature = Spec.Rollout.Temperature, TopP = Spec.Rollout.TopP, TopK = Spec.Rollout.TopK, MaxTokens = Spec.Rollout.MaxTokens };
        sampling.Stop.AddRange(Spec.Rollout.Stop);
        return sampling;
    }

    public EvaluationOptions Evaluation() => new(Spec.Evaluation.Budgets, Spec.Evaluation.Samples,
        (float)(Spec.Evaluation.Temperature ?? Spec.Rollout.Temperature), (float)(Spec.Evaluation.TopP ?? Spec.Rollout.TopP),
        (ulong)Spec.Seed + 1_000_003UL, Spec.Evaluation.Mode);

    /// <summary>Steps whose policy is evaluated: 0, every <c>evaluation.every</c> steps, and the last.</summary>
    public bool IsEvaluationStep(int step) =>
        evalSets > 0 && (step == 0 || step == Spec.Optimizer.Steps || (Spec.Evaluation.Every > 0 && step % Spec.Evaluation.Every == 0));

    public Prompting Prompting(QwenTokenizer tokenizer) =>
        new(tokenizer, Spec.Data.Train.PromptTemplate is { } t ? new PromptTemplate(t) : PromptTemplate.Math);
}
