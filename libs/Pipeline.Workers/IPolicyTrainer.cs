using Pipeline.Contracts.V1;

namespace Pipeline.Workers;

/// <summary>One optimisation step of the policy on scored groups (the GRPO-family learner of Pipeline.Model.Training).</summary>
public interface IPolicyTrainer
{
    /// <summary>Trains on <paramref name="groups"/>; returns the step's statistics under snake_case metric names.</summary>
    IReadOnlyDictionary<string, double> Train(IReadOnlyList<ScoredGroup> groups, int step);

    /// <summary>Writes what exact resumption needs beyond the weights (optimiser moments, step counters).</summary>
    void SaveState(string folder);

    void LoadState(string folder);
}
