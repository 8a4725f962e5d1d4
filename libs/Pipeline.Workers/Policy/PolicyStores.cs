using Grpc.Net.Client;
using Pipeline.Contracts.V1;
using Pipeline.Model.Qwen3;

namespace Pipeline.Workers.Policy;

/// <summary>Which policy store a consumer (rollout, evaluator) uses.</summary>
public static class PolicyStores
{
    /// <summary>
    /// Loads an announced version from its folder when this machine sees it (a shared volume) and
    /// <see cref="PolicySourceOptions.Stream"/> is off, otherwise streams it from the learner into the cache; without
    /// a learner address, a folder that is not here is an error naming it.
    /// </summary>
    public static IPolicyStore ForConsumer(PolicySourceOptions options, string experiment, string consumer)
    {
        ArgumentNullException.ThrowIfNull(options);
        var streamed = options.LearnerAddress is { Length: > 0 } address
            ? new GrpcPolicyStore(new Learner.LearnerClient(GrpcChannel.ForAddress(address)),
                options.Cache ?? Path.Combine(Path.GetTempPath(), "pipeline-policies", experiment, consumer))
            : null;
        return new SharedOrStreamed(streamed, options.Stream);
    }

    private sealed class SharedOrStreamed(GrpcPolicyStore? streamed, bool alwaysStream) : IPolicyStore
    {
        public PolicyVersion Publish(Qwen3ForCausalLM model, string experiment, long version, int step) =>
            throw new NotSupportedException("a consumer's policy store does not publish");

        public void LoadInto(PolicyVersion version, Qwen3ForCausalLM target)
        {
            var folder = PolicyFolders.FolderOf(version);
            if (streamed is null || (!alwaysStream && Directory.Exists(folder))) PolicyFolders.VerifyAndLoad(folder, version, target);
            else streamed.LoadInto(version, target);
        }
    }
}
