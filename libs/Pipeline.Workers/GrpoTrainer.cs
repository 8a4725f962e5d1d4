using System.Text.Json;
using Pipeline.Contracts.V1;
using Pipeline.Core.Spec;
using Pipeline.Model.Qwen3;
using Pipeline.Model.Training;

namespace Pipeline.Workers;

/// <summary>
/// The GRPO-family learner (<see cref="PolicyOptimizer"/>) behind <see cref="IPolicyTrainer"/>: turns scored groups
/// into training samples (prompt, response, the rollout's own logprobs as π_old, the reward stage's advantage and
/// loss mask) and runs one update. With a KL term the frozen reference is copied from the policy when the trainer is
/// made, so it must be made before a resumed run loads its checkpoint weights (the reference is the initial model).
/// </summary>
public sealed class GrpoTrainer : IPolicyTrainer, IDisposable
{
    private readonly PolicyOptimizer _optimizer;
    private readonly Qwen3ForCausalLM? _reference;

    public GrpoTrainer(Qwen3ForCausalLM policy, ExperimentSpec spec)
    {
        var options = Model.Training.LearnerOptions.FromSpec(spec);
        _reference = options.Loss.KlCoef > 0 ? ReferencePolicy.FrozenCopy(policy) : null;
        _optimizer = new PolicyOptimizer(policy, options, _reference);
    }

    public IReadOnlyDictionary<string, double> Train(IReadOnlyList<ScoredGroup> groups, int step)
    {
        var samples = groups.SelectMany(ToSamples).ToList();
        var stats = _optimizer.Update(samples);
        var json = JsonSerializer.SerializeToElement(stats);
        return json.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Number)
            .ToDictionary(p => p.Name, p => p.Value.GetDouble());
    }

    public void SaveState(string folder) => _optimizer.Save(folder);

    public void LoadState(string folder) => _optimizer.Load(folder);

    private static IEnumerable<TrainingSample> ToSamples(ScoredGroup scored)
    {
        var group = scored.Group;
        var prompt = group.Request.PromptTokenIds.ToArray();
        return group.Completions.Zip(scored.Scores, (c, s) => new TrainingSample(
            prompt, [.. c.TokenIds], [.. c.Logprobs], s.Advantage, s.Trains, group.PolicyVersion, group.Request.GroupId));
    }

    public void Dispose()
    {
        _optimizer.Dispose();
        _reference?.Dispose();
    }
}
