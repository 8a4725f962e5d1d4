using Google.Protobuf.WellKnownTypes;
using Pipeline.Contracts.V1;
using Pipeline.Model;
using Pipeline.Model.Qwen3;

namespace Pipeline.Workers.Policy;

/// <summary>
/// Policy versions as HF folders in a directory every worker can read (a shared volume): the learner writes
/// <c>&lt;root&gt;/v&lt;version&gt;</c> and announces its <c>file://</c> URI and <see cref="PolicyChecksum"/>; rollout and
/// evaluator workers verify the checksum and load the weights. A folder appears whole or not at all (written beside
/// it, then renamed), and publishing a version again replaces it, as a restarted learner does.
/// </summary>
/// <remarks>Consumers use <see cref="LoadInto"/> only; it follows the announced URI, not <see cref="Root"/>.</remarks>
public sealed class FolderPolicyStore : IPolicyStore
{
    private readonly Lock _publishing = new();
    private readonly Func<long, bool> _pinned;

    /// <param name="root">The shared directory; created on the first publish.</param>
    /// <param name="sourceFolder">The base model folder whose tokenizer and generation config each version carries.</param>
    /// <param name="keep">Versions kept on disk; older ones are deleted after each publish.</param>
    /// <param name="pinned">Versions never deleted, whatever their age (those an evaluator has yet to load).</param>
    public FolderPolicyStore(string root, string sourceFolder, int keep = 4, Func<long, bool>? pinned = null)
    {
        _pinned = pinned ?? (_ => false);
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        Root = Path.GetFullPath(root);
        SourceFolder = sourceFolder;
        Keep = keep;
    }

    public string Root { get; }
    public string SourceFolder { get; }
    public int Keep { get; }

    /// <summary>The folder of <paramref name="version"/> under <see cref="Root"/> (which may not exist).</summary>
    public string VersionFolder(long version) => PolicyFolders.VersionFolder(Root, version);

    public PolicyVersion Publish(Qwen3ForCausalLM model, string experiment, long version, int step)
    {
        lock (_publishing)
        {
            Directory.CreateDirectory(Root);
            var temp = PolicyFolders.NewTempFolder(Root, version);
            var final = VersionFolder(version);
            string sha256;
            try
            {
                ModelFolder.Save(model, SourceFolder, temp);
                sha256 = PolicyChecksum.Compute(temp);
                PolicyFolders.Install(temp, final);
            }
            catch
            {
                PolicyFolders.TryDelete(temp);
                throw;
            }
            PolicyFolders.Prune(Root, Keep, v => v == version || _pinned(v));
            return new PolicyVersion
            {
                Experiment = experiment, Version = version, Step = step, CheckpointUri = PolicyFolders.FileUri(final),
                Sha256 = sha256, Created = Timestamp.FromDateTime(DateTime.UtcNow),
            };
        }
    }

    /// <exception cref="InvalidDataException">The URI is not <c>file://</c>, the folder is missing, or its checksum
    /// differs from the announced one; the message names the folder and both hashes.</exception>
    public void LoadInto(PolicyVersion version, Qwen3ForCausalLM target) =>
        PolicyFolders.VerifyAndLoad(PolicyFolders.FolderOf(version), version, target);
}
