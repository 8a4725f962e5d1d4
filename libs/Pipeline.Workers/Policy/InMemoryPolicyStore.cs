using Google.Protobuf.WellKnownTypes;
using Pipeline.Contracts.V1;
using Pipeline.Model.Qwen3;
using TorchSharp;
using static TorchSharp.torch;

namespace Pipeline.Workers.Policy;

/// <summary>
/// The embedded host's policy hand-over: each published version is a detached copy of the weights, kept in memory
/// (<c>memory://v{version}</c>). Only the newest <see cref="Keep"/> versions are retained; staleness never needs more.
/// </summary>
public sealed class InMemoryPolicyStore(int keep = 4) : IPolicyStore, IDisposable
{
    private readonly SortedDictionary<long, Dictionary<string, Tensor>> _versions = [];

    public int Keep { get; } = keep;

    public PolicyVersion Publish(Qwen3ForCausalLM model, string experiment, long version, int step)
    {
        var copy = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        using (no_grad())
        {
            foreach (var (name, tensor) in model.state_dict()) copy[name] = tensor.detach().clone();
        }
        lock (_versions)
        {
            if (_versions.Remove(version, out var replaced)) DisposeAll(replaced);
            _versions[version] = copy;
            while (_versions.Count > Keep)
            {
                var oldest = _versions.Keys.First();
                DisposeAll(_versions[oldest]);
                _versions.Remove(oldest);
            }
        }
        return new PolicyVersion
        {
            Experiment = experiment, Version = version, Step = step, CheckpointUri = $"memory://v{version}",
            Created = Timestamp.FromDateTime(DateTime.UtcNow),
        };
    }

    public void LoadInto(PolicyVersion version, Qwen3ForCausalLM target)
    {
        lock (_versions)
        {
            if (!_versions.TryGetValue(version.Version, out var weights))
                throw new InvalidDataException($"{version.CheckpointUri}: policy version {version.Version} is no longer held (newest {Keep} are kept)");
            using var noGrad = no_grad();
            foreach (var (name, tensor) in target.state_dict()) tensor.copy_(weights[name]);
        }
    }

    public void Dispose()
    {
        lock (_versions)
        {
            foreach (var weights in _versions.Values) DisposeAll(weights);
            _versions.Clear();
        }
    }

    private static void DisposeAll(Dictionary<string, Tensor> weights)
    {
        foreach (var tensor in weights.Values) tensor.Dispose();
    }
}
