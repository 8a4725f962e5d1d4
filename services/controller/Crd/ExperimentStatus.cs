using System.ComponentModel;

namespace Pipeline.Services.Controller.Crd;

// The Experiment's status, written only by the controller. These types are the source of the CRD's status schema
// (CrdGenerator), so the descriptions here are what `kubectl explain experiment.status` prints.

public sealed class ExperimentStatus
{
    [Description("Pending, Running, Suspended, Succeeded or Failed. Succeeded and Failed are final.")]
    public string? Phase { get; set; }

    [Description("The metadata.generation this status describes.")]
    public long? ObservedGeneration { get; set; }

    [Description("Standard conditions: Created, Running, Suspended, Succeeded, Failed, Degraded; each reason is one of the constants documented in docs/kubernetes.md.")]
    [Pipeline.Core.Spec.ListMapKey("type")]
    public List<ExperimentCondition> Conditions { get; set; } = [];

    [Description("When the controller first started the experiment's Jobs.")]
    public DateTime? StartTime { get; set; }

    [Description("When the experiment succeeded or failed.")]
    public DateTime? CompletionTime { get; set; }

    [Description("The Kafka topics created for the experiment.")]
    public List<string>? Topics { get; set; }

    [Description("One entry per service Job.")]
    [Pipeline.Core.Spec.ListMapKey("service")]
    public List<ServiceJobStatus> Services { get; set; } = [];

    [Description("The learner's progress, from its gRPC status.")]
    public LearnerStatusSummary? Learner { get; set; }

    [Description("The latest evaluation of each held-out set, from the evaluator's gRPC results.")]
    [Pipeline.Core.Spec.ListMapKey("dataset")]
    public List<EvaluationSummary> Evaluation { get; set; } = [];

    [Description("The headline figures of the latest evaluation (first set, top budget), for kubectl get.")]
    public HeadlineSummary? Summary { get; set; }
}

public sealed class ExperimentCondition
{
    [Description("Created, Running, Suspended, Succeeded, Failed or Degraded.")]
    public string Type { get; set; } = "";

    [Description("True, False or Unknown.")]
    public string Status { get; set; } = "";

    [Description("The metadata.generation the condition was set for.")]
    public long? ObservedGeneration { get; set; }

    [Description("When the condition last changed status.")]
    public DateTime LastTransitionTime { get; set; }

    [Description("A CamelCase reason from docs/kubernetes.md, for tools.")]
    public string Reason { get; set; } = "";

    [Description("What happened, for people: which field, service or pod, and what to do.")]
    public string Message { get; set; } = "";
}

public sealed class ServiceJobStatus
{
    [Description("rollout, reward, learner or evaluator.")]
    public string Service { get; set; } = "";

    [Description("The Job's name.")]
    public string Job { get; set; } = "";

    [Description("Pending, Running, Suspended, Succeeded or Failed.")]
    public string State { get; set; } = "";

    [Description("Pods running.")]
    public int Active { get; set; }

    [Description("Pods running and ready.")]
    public int Ready { get; set; }

    [Description("Pods that succeeded.")]
    public int Succeeded { get; set; }

    [Description("Pods that failed (each a retry, until backoffLimit).")]
    public int Failed { get; set; }
}

public sealed class LearnerStatusSummary
{
    [Description("Training steps completed.")]
    public int Step { get; set; }

    [Description("Training steps in all (spec.optimizer.steps).")]
    public int TotalSteps { get; set; }

    [Description("The newest policy version announced.")]
    public long? PolicyVersion { get; set; }

    [Description("When the controller last saw the step advance.")]
    public DateTime? LastStepTime { get; set; }
}

public sealed class EvaluationSummary
{
    [Description("The evaluation set (spec.data.eval[].name).")]
    public string Dataset { get; set; } = "";

    [Description("The training step of the evaluated policy.")]
    public int Step { get; set; }

    [Description("The evaluated policy version.")]
    public long PolicyVersion { get; set; }

    [Description("Samples per problem (k).")]
    public int Samples { get; set; }

    [Description("One entry per token budget.")]
    public List<BudgetSummary> Budgets { get; set; } = [];
}

public sealed class BudgetSummary
{
    [Description("The token budget.")]
    public int Budget { get; set; }

    [Description("Mean@k: the fraction of samples answered correctly within the budget.")]
    public double? MeanAtK { get; set; }

    [Description("Pass@k: the fraction of problems with at least one correct sample.")]
    public double? PassAtK { get; set; }

    [Description("Mean response length in tokens.")]
    public double? MeanLength { get; set; }

    [Description("The fraction of samples cut off by the budget.")]
    public double? TruncationRate { get; set; }
}

public sealed class HeadlineSummary
{
    [Description("Mean@k at the top budget, as a percentage (e.g. 95.6%).")]
    public string Accuracy { get; set; } = "";

    [Description("Mean response length at the top budget, in tokens.")]
    public string MeanLength { get; set; } = "";

    [Description("The budget these figures are at.")]
    public int Budget { get; set; }
}
