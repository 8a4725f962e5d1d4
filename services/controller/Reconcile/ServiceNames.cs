namespace Pipeline.Services.Controller.Reconcile;

/// <summary>The four services of an experiment and the names of the objects the controller makes for it.</summary>
public static class ServiceNames
{
    public const string Learner = "learner";
    public const string Rollout = "rollout";
    public const string Reward = "reward";
    public const string Evaluator = "evaluator";

    /// <summary>In the order they are started (the learner first: it issues the prompts).</summary>
    public static IReadOnlyList<string> All { get; } = [Learner, Reward, Rollout, Evaluator];

    /// <summary>The services whose Jobs finish: the experiment succeeds when both have.</summary>
    public static IReadOnlyList<string> Finishing { get; } = [Learner, Evaluator];

    /// <summary>Where every service listens in its pod (the same in each, so the Services can name them).</summary>
    public const int GrpcPort = 5050;
    public const int MetricsPort = 9090;

    /// <summary>The longest experiment name whose object names (<c>&lt;name&gt;-evaluator</c>) stay DNS labels.</summary>
    public const int MaxExperimentName = 63 - 10;

    public static string Job(string experiment, string service) => $"{experiment}-{service}";
    public static string SpecConfigMap(string experiment) => $"{experiment}-spec";
    public static string RunClaim(string experiment) => $"{experiment}-run";
    public static string GrpcService(string experiment, string service) => $"{experiment}-{service}";
    public static string MetricsService(string experiment) => $"{experiment}-metrics";
}
