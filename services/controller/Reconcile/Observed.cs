using k8s.Models;
using Pipeline.Contracts.V1;

namespace Pipeline.Services.Controller.Reconcile;

/// <summary>What the controller saw of one experiment in the cluster and in its services, for <see cref="StatusBuilder"/>.</summary>
public sealed record Observed
{
    /// <summary>The Job of each service, by service name; a missing entry has not been created (yet).</summary>
    public IReadOnlyDictionary<string, V1Job> Jobs { get; init; } = new Dictionary<string, V1Job>();

    /// <summary>The experiment's pods (to say why one failed).</summary>
    public IReadOnlyList<V1Pod> Pods { get; init; } = [];

    /// <summary>The learner's gRPC status, when it answered.</summary>
    public LearnerStatus? Learner { get; init; }

    /// <summary>The evaluator's results, when it answered.</summary>
    public IReadOnlyList<EvalResult> Evaluations { get; init; } = [];

    /// <summary>Topics known to exist.</summary>
    public IReadOnlyList<string>? Topics { get; init; }

    /// <summary>Why the Kafka topics could not be created, when they could not.</summary>
    public KafkaProblem? KafkaError { get; init; }

    /// <summary>An API call that failed while applying the desired objects.</summary>
    public string? ApiError { get; init; }

    /// <summary>Which running Jobs were built from other pod settings than the spec now asks for.</summary>
    public string? TemplateDrift { get; init; }
}

/// <summary>Why the topics could not be created: <see cref="Crd.ConditionReasons.KafkaUnavailable"/> (the brokers) or
/// <see cref="Crd.ConditionReasons.KafkaMisconfigured"/> (the experiment's Kafka settings or Secrets).</summary>
public sealed record KafkaProblem(string Reason, string Message);
