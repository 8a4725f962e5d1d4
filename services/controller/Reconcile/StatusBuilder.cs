using System.Globalization;
using k8s.Models;
using Pipeline.Services.Controller.Crd;

namespace Pipeline.Services.Controller.Reconcile;

/// <summary>The status to write and when to look again.</summary>
public sealed record StatusDecision(ExperimentStatus Status, TimeSpan? RequeueAfter)
{
    /// <summary>Services whose Jobs must be suspended (their pods end) in this phase.</summary>
    public IReadOnlySet<string> Suspended { get; init; } = new HashSet<string>();
}

/// <summary>
/// The Experiment's status as a pure function of the spec, the previous status, what was observed and the time:
/// phase, conditions (with transition times kept while a condition holds), per-service Job states, learner progress,
/// the latest evaluation per set and the headline figures.
/// </summary>
public static class StatusBuilder
{
    public static StatusDecision Build(ExperimentObject experiment, Observed observed, DateTime now, TimeSpan progressInterval)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentNullException.ThrowIfNull(observed);
        now = Truncate(now);
        var previous = experiment.Status;
        var status = new ExperimentStatus
        {
            ObservedGeneration = experiment.Metadata.Generation,
            StartTime = previous.StartTime,
            CompletionTime = previous.CompletionTime,
            Topics = observed.Topics?.ToList() ?? previous.Topics,
            Learner = previous.Learner,
            Evaluation = [.. previous.Evaluation],
            Summary = previous.Summary,
        };
        var conditions = new Conditions(previous.Conditions, experiment.Metadata.Generation, now);

        if (!experiment.IsValid)
        {
            status.Phase = Phases.Failed;
            conditions.Set(ConditionTypes.Failed, true, ConditionReasons.InvalidSpec, "the spec is invalid: " + string.Join("; ", experiment.Problems));
            conditions.Set(ConditionTypes.Running, false, ConditionReasons.InvalidSpec, "nothing was started");
            status.Conditions = conditions.Result;
            return new StatusDecision(status, null) { Suspended = AllServices };
        }

        var spec = experiment.Document!.Spec;
        status.Services = ServiceNames.All.Select(s => JobState(s, observed.Jobs.GetValueOrDefault(s))).ToList();
        UpdateProgress(status, previous, observed, spec.Optimizer.Steps, now);

        var created = ServiceNames.All.All(observed.Jobs.ContainsKey);
        conditions.Set(ConditionTypes.Created, created, created ? ConditionReasons.JobsCreated : ConditionReasons.WaitingForPods,
            created ? "the ConfigMap, Services and one Job per service exist" : "creating the experiment's objects");
        if (created && !spec.Suspend) status.StartTime ??= now;

        var (phase, reason, message) = Phase(experiment, observed, status, now);
        var wasFinal = previous.Phase is Phases.Succeeded or Phases.Failed
            && !previous.Conditions.Any(c => c is { Type: ConditionTypes.Failed, Reason: ConditionReasons.InvalidSpec });
        if (wasFinal)
        {
            // Succeeded and Failed are final, as for a Job: what the pods do afterwards does not change the outcome.
            phase = previous.Phase!;
            var final = previous.Conditions.First(c => c.Type == phase);
            (reason, message) = (final.Reason, final.Message);
        }
        status.Phase = phase;
        if (phase is Phases.Succeeded or Phases.Failed) status.CompletionTime ??= now;
        if (phase == Phases.Succeeded && status.Learner is { } learner && learner.Step < spec.Optimizer.Steps)
        {
            // The learner's Job completes only after its last step (and exits, so it can no longer be asked).
            learner.Step = spec.Optimizer.Steps;
            learner.PolicyVersion = spec.Optimizer.Steps;
        }

        conditions.Set(ConditionTypes.Succeeded, phase == Phases.Succeeded, phase == Phases.Succeeded ? reason : ConditionReasons.AsExpected,
            phase == Phases.Succeeded ? message : "not finished");
        conditions.Set(ConditionTypes.Failed, phase == Phases.Failed, phase == Phases.Failed ? reason : ConditionReasons.AsExpected,
            phase == Phases.Failed ? message : "no failure");
        conditions.Set(ConditionTypes.Suspended, phase == Phases.Suspended, phase == Phases.Suspended ? ConditionReasons.Suspended : ConditionReasons.NotSuspended,
            phase == Phases.Suspended ? message : "not suspended");
        conditions.Set(ConditionTypes.Running, phase == Phases.Running, phase == Phases.Running ? ConditionReasons.LearnerRunning : reason,
            phase == Phases.Running ? message : $"phase {phase}");
        var (degraded, degradedReason, degradedMessage) = Degraded(experiment, observed, status);
        conditions.Set(ConditionTypes.Degraded, degraded && phase is not (Phases.Succeeded or Phases.Failed), degraded ? degradedReason : ConditionReasons.AsExpected,
            degraded ? degradedMessage : "no problems seen");
        status.Conditions = conditions.Result;

        var suspended = phase switch
        {
            Phases.Succeeded => new HashSet<string> { ServiceNames.Rollout, ServiceNames.Reward },
            Phases.Failed or Phases.Suspended => AllServices,
            _ => new HashSet<string>(),
        };
        return new StatusDecision(status, Requeue(spec, status, phase, now, progressInterval, observed)) { Suspended = suspended };
    }

    private static HashSet<string> AllServices => [.. ServiceNames.All];

    private static (string Phase, string Reason, string Message) Phase(ExperimentObject experiment, Observed observed, ExperimentStatus status, DateTime now)
    {
        var spec = experiment.Document!.Spec;
        if (Deadline(spec.ActiveDeadlineSeconds, status.StartTime) is { } deadline && now >= deadline)
            return (Phases.Failed, ConditionReasons.DeadlineExceeded,
                $"the experiment ran longer than spec.activeDeadlineSeconds ({spec.ActiveDeadlineSeconds?.ToString(CultureInfo.InvariantCulture)} s) and was stopped");
        foreach (var service in ServiceNames.All)
        {
            if (observed.Jobs.GetValueOrDefault(service) is { } job && Condition(job, "Failed") is { } failed)
                return (Phases.Failed, FailureReason(failed), FailureMessage(service, job, failed, observed.Pods));
        }
        if (ServiceNames.Finishing.All(s => observed.Jobs.GetValueOrDefault(s) is { } job && Condition(job, "Complete") is not null))
            return (Phases.Succeeded, ConditionReasons.Completed, $"trained {spec.Optimizer.Steps} steps and evaluated the final policy");
        if (spec.Suspend)
            return (Phases.Suspended, ConditionReasons.Suspended, "spec.suspend is true: every Job is suspended; set it to false to continue from the last checkpoint");
        var learner = observed.Jobs.GetValueOrDefault(ServiceNames.Learner);
        if (learner?.Status is { Ready: > 0 })
            return (Phases.Running, ConditionReasons.LearnerRunning, status.Learner is { } p ? $"step {p.Step} of {p.TotalSteps}" : "the learner is ready");
        return (Phases.Pending, ConditionReasons.WaitingForPods, "waiting for the learner's pod to be ready");
    }

    private static (bool, string, string) Degraded(ExperimentObject experiment, Observed observed, ExperimentStatus status)
    {
        if (observed.KafkaError is { } kafka)
            return (true, kafka.Reason, $"cannot create the Kafka topics: {kafka.Message}");
        if (observed.ApiError is { } api)
            return (true, ConditionReasons.ApiError, api);
        if (observed.TemplateDrift is { } drift)
            return (true, ConditionReasons.ClusterSettingsChanged, drift);
        if (PodDiagnosis.Stuck(observed.Pods) is { } stuck)
            return (true, stuck.Reason, stuck.Message);
        var retrying = status.Services.Where(s => s.Failed > 0 && s.State != Phases.Failed).ToList();
        if (retrying.Count > 0)
        {
            var spec = experiment.Document!.Spec;
            var parts = retrying.Select(s =>
            {
                var limit = PodTemplates.PodSpecOf(spec.Cluster.Services, s.Service).BackoffLimit;
                var why = PodDiagnosis.LastTermination(observed.Pods, s.Service) is { } t ? $" (last: {t})" : "";
                return $"{s.Service}: {s.Failed} pod(s) failed{why}, retrying within backoffLimit {limit}";
            });
            return (true, ConditionReasons.PodsRetrying, string.Join("; ", parts));
        }
        return (false, "", "");
    }

    private static void UpdateProgress(ExperimentStatus status, ExperimentStatus previous, Observed observed, int totalSteps, DateTime now)
    {
        if (observed.Learner is { } learner)
        {
            var advanced = previous.Learner is null || learner.Step > previous.Learner.Step;
            status.Learner = new LearnerStatusSummary
            {
                Step = learner.Step,
                TotalSteps = learner.TotalSteps > 0 ? learner.TotalSteps : totalSteps,
                PolicyVersion = learner.Policy?.Version ?? previous.Learner?.PolicyVersion,
                LastStepTime = advanced && learner.Step > 0 ? now : previous.Learner?.LastStepTime,
            };
        }
        foreach (var result in observed.Evaluations)
        {
            var existing = status.Evaluation.FindIndex(e => e.Dataset == result.Dataset);
            if (existing >= 0 && status.Evaluation[existing].Step > result.Step) continue;
            var summary = new EvaluationSummary
            {
                Dataset = result.Dataset, Step = result.Step, PolicyVersion = result.PolicyVersion, Samples = result.Samples,
                Budgets = result.Budgets.Select(b => new BudgetSummary
                {
                    Budget = b.Budget,
                    MeanAtK = b.HasMeanAtK ? Round(b.MeanAtK) : null,
                    PassAtK = b.HasPassAtK ? Round(b.PassAtK) : null,
                    MeanLength = b.HasMeanLength ? Math.Round(b.MeanLength, 2) : null,
                    TruncationRate = b.HasTruncationRate ? Round(b.TruncationRate) : null,
                }).ToList(),
            };
            if (existing >= 0) status.Evaluation[existing] = summary;
            else status.Evaluation.Add(summary);
        }
        status.Evaluation.Sort((a, b) => string.CompareOrdinal(a.Dataset, b.Dataset));
        if (status.Evaluation.FirstOrDefault() is { Budgets: [.., var top] })
        {
            status.Summary = new HeadlineSummary
            {
                Budget = top.Budget,
                Accuracy = top.MeanAtK is { } m ? (m * 100).ToString("F1", CultureInfo.InvariantCulture) + "%" : "",
                MeanLength = top.MeanLength is { } l ? l.ToString("F1", CultureInfo.InvariantCulture) : "",
            };
        }
    }

    private static double Round(double value) => Math.Round(value, 4);

    private static ServiceJobStatus JobState(string service, V1Job? job)
    {
        var state = job switch
        {
            null => Phases.Pending,
            _ when Condition(job, "Failed") is not null => Phases.Failed,
            _ when Condition(job, "Complete") is not null => Phases.Succeeded,
            { Spec.Suspend: true } => Phases.Suspended,
            { Status.Active: > 0 } => Phases.Running,
            _ => Phases.Pending,
        };
        return new ServiceJobStatus
        {
            Service = service, Job = job?.Metadata.Name ?? "", State = state,
            Active = job?.Status?.Active ?? 0, Ready = job?.Status?.Ready ?? 0,
            Succeeded = job?.Status?.Succeeded ?? 0, Failed = job?.Status?.Failed ?? 0,
        };
    }

    private static V1JobCondition? Condition(V1Job job, string type) =>
        job.Status?.Conditions?.FirstOrDefault(c => c.Type == type && c.Status == "True");

    private static string FailureReason(V1JobCondition failed) => failed.Reason switch
    {
        "BackoffLimitExceeded" => ConditionReasons.BackoffLimitExceeded,
        "PodFailurePolicy" => ConditionReasons.ConfigurationError,
        "DeadlineExceeded" => ConditionReasons.DeadlineExceeded,
        _ => ConditionReasons.JobFailed,
    };

    private static string FailureMessage(string service, V1Job job, V1JobCondition failed, IReadOnlyList<V1Pod> pods)
    {
        var what = failed.Reason == "PodFailurePolicy"
            ? $"{service} refused its configuration (exit code 2); fix the spec or the controller's settings"
            : $"{service} failed: {failed.Message ?? failed.Reason}";
        return PodDiagnosis.LastTermination(pods, service) is { } last ? $"{what}; last pod: {last}" : what;
    }

    private static DateTime? Deadline(int? seconds, DateTime? start) =>
        seconds is { } s && start is { } t ? t.AddSeconds(s) : null;

    private static TimeSpan? Requeue(Core.Spec.ExperimentSpec spec, ExperimentStatus status, string phase, DateTime now, TimeSpan interval, Observed observed)
    {
        if (phase is Phases.Succeeded or Phases.Failed) return null;
        TimeSpan? next = phase == Phases.Suspended && observed.KafkaError is null ? null : interval;
        if (Deadline(spec.ActiveDeadlineSeconds, status.StartTime) is { } deadline)
        {
            var left = deadline - now;
            if (left < TimeSpan.Zero) left = TimeSpan.Zero;
            next = next is { } n && n < left ? n : left;
        }
        return next;
    }

    private static DateTime Truncate(DateTime time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    /// <summary>Conditions with Kubernetes' rule: lastTransitionTime changes only when the status does.</summary>
    private sealed class Conditions(List<ExperimentCondition> previous, long? generation, DateTime now)
    {
        public List<ExperimentCondition> Result { get; } = [];

        public void Set(string type, bool value, string reason, string message)
        {
            var status = value ? "True" : "False";
            var before = previous.FirstOrDefault(c => c.Type == type);
            var since = before is not null && before.Status == status ? before.LastTransitionTime : now;
            Result.RemoveAll(c => c.Type == type);
            Result.Add(new ExperimentCondition { Type = type, Status = status, Reason = reason, Message = message, LastTransitionTime = since, ObservedGeneration = generation });
        }
    }
}
