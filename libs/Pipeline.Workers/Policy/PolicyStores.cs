using Grpc.Net.Client;
using Pipeline.Contracts.V1;
using Pipeline.Model.Qwen3;

namespace Pipeline.Workers.Policy;

/// <summary>Which policy store a consumer (rollout, evaluator) uses.</summary>
public static class PolicyStores
{
    /// <summary>
    /// Loads an announced version from its folder when this machine sees it (a shared volume), otherwise streams it
    /// from <paramref name="learnerAddress"/> into <paramref name="cacheFolder"/> (default: a folder per experiment
    /// and consumer under the system's temp folder); without an address, a folder that is not here is an error
    /// naming it.
    /// </summary>
    public static IPolicyStore ForConsumer(string? learnerAddress, string? cacheFolder, string experiment, string consumer) =>
        new SharedOrStreamed(learnerAddress is { Length: > 0 } address
            ? new GrpcPolicyStore(new Learner.LearnerClient(GrpcChannel.ForAddress(address)),
                cacheFolder ?? Path.Combine(Path.GetTempPath(), "pipeline-policies", experiment, consumer))
            : null);

    private sealed class SharedOrStreamed(GrpcPolicyStore? streamed) : IPolicyStore
    {
        public PolicyVersion Publish(Qwen3ForCausalLM model, string experiment, long version, int step) =>
            throw new NotSupportedException("a consumer's policy store does not publish");

        public void LoadInto(PolicyVersion version, Qwen3ForCausalLM target)
        {
            var folder = PolicyFolders.FolderOf(version);
            if (Directory.Exists(folder) || streamed is null) PolicyFolders.VerifyAndLoad(folder, version, target);
            else streamed.LoadInto(version, target);
        }
    }
}
