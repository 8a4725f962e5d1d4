using Pipeline.Contracts.V1;

namespace Pipeline.Services.Learner;

/// <summary>What GetStatus reports, updated by the learner loop and read by gRPC calls.</summary>
public sealed class LearnerProgress(string experiment, int totalSteps)
{
    private readonly Lock _gate = new();
    private LearnerStatus _status = new() { Experiment = experiment, TotalSteps = totalSteps };
    private readonly Dictionary<long, PolicyVersion> _announced = [];

    /// <summary>An announcement this process made (null when unknown): recorded by <see cref="Announce"/>.</summary>
    public PolicyVersion? Announced(long version)
    {
        lock (_gate) return _announced.GetValueOrDefault(version)?.Clone();
    }

    /// <summary>Records a version before it is announced on the policy topic, so GetPolicy can serve it the moment
    /// a consumer reads the announcement.</summary>
    public void Announce(PolicyVersion policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        lock (_gate) _announced[policy.Version] = policy.Clone();
    }

    public LearnerStatus Snapshot()
    {
        lock (_gate) return _status.Clone();
    }

    public void Update(int step, PolicyVersion? policy, int pendingGroups)
    {
        lock (_gate)
        {
            _status = new LearnerStatus
            {
                Experiment = _status.Experiment, TotalSteps = _status.TotalSteps, Step = step,
                Policy = policy?.Clone() ?? _status.Policy, PendingGroups = pendingGroups,
            };
        }
    }
}
