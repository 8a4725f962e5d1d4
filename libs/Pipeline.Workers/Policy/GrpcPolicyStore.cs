using Grpc.Core;
using Pipeline.Contracts.V1;
using Pipeline.Model.Checkpoints;
using Pipeline.Model.Qwen3;

namespace Pipeline.Workers.Policy;

/// <summary>
/// A consumer's policy store where no directory is shared with the learner: an announced version is streamed from
/// <c>Learner.GetPolicy</c> into a local cache (<c>&lt;cache&gt;/v&lt;version&gt;</c>), checked against the announced
/// <see cref="PolicyChecksum"/>, and loaded from there. A cached folder whose checksum still matches is reused; the
/// cache keeps the newest <see cref="Keep"/> versions.
/// </summary>
public sealed class GrpcPolicyStore : IPolicyStore, IDisposable
{
    private readonly Learner.LearnerClient _learner;
    // One fetch at a time: two loads of the same version would otherwise race to install the same folder.
    private readonly SemaphoreSlim _fetching = new(1, 1);

    /// <param name="learner">A client of the learner's gRPC service.</param>
    /// <param name="cacheFolder">Local directory for downloaded versions; created on first use.</param>
    /// <param name="keep">Versions kept in the cache.</param>
    public GrpcPolicyStore(Learner.LearnerClient learner, string cacheFolder, int keep = 4)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        _learner = learner;
        CacheFolder = Path.GetFullPath(cacheFolder);
        Keep = keep;
    }

    public string CacheFolder { get; }
    public int Keep { get; }

    /// <summary>Consumers do not publish; the learner does, with a <see cref="FolderPolicyStore"/> or in memory.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public PolicyVersion Publish(Qwen3ForCausalLM model, string experiment, long version, int step) =>
        throw new NotSupportedException("GrpcPolicyStore only loads policy versions; the learner publishes them");

    /// <summary>Fetches the version if it is not cached (see <see cref="FetchAsync"/>) and loads its weights.</summary>
    /// <exception cref="InvalidDataException">The learner no longer has the version, the stream breaks the protocol,
    /// or the received folder fails its checksum.</exception>
    public void LoadInto(PolicyVersion version, Qwen3ForCausalLM target)
    {
        // IPolicyStore is synchronous (workers load between batches, never during one), so the thread waits for the
        // download; workers run without a synchronisation context, so this cannot deadlock. The lock spans the load
        // so that another fetch cannot prune the folder while it is read.
        _fetching.Wait();
        try
        {
            var folder = FetchLockedAsync(version, CancellationToken.None).GetAwaiter().GetResult();
            CheckpointLoader.LoadInto(target, folder);   // verified by the fetch
        }
        finally
        {
            _fetching.Release();
        }
    }

    /// <summary>
    /// Makes the cache hold <paramref name="version"/> with the announced checksum, downloading it when absent or
    /// different, and returns its folder. A download goes to a temp folder, is verified, then renamed into place.
    /// </summary>
    /// <exception cref="InvalidDataException">As for <see cref="LoadInto"/>.</exception>
    public async Task<string> FetchAsync(PolicyVersion version, CancellationToken cancellationToken = default)
    {
        await _fetching.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await FetchLockedAsync(version, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _fetching.Release();
        }
    }

    private async Task<string> FetchLockedAsync(PolicyVersion version, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(version.Sha256))
            throw new InvalidDataException($"policy version {version.Version} was announced without a sha256; it cannot be verified");
        var final = PolicyFolders.VersionFolder(CacheFolder, version.Version);
        if (PolicyFolders.Matches(final, version)) return final;
        Directory.CreateDirectory(CacheFolder);
        var temp = PolicyFolders.NewTempFolder(CacheFolder, version.Version);
        try
        {
            await DownloadAsync(version, temp, cancellationToken).ConfigureAwait(false);
            PolicyFolders.Install(temp, final);
        }
        catch
        {
            PolicyFolders.TryDelete(temp);
            throw;
        }
        PolicyFolders.Prune(CacheFolder, Keep, v => v == version.Version);
        return final;
    }

    /// <summary>How long an unreachable learner is waited for (it may be starting or restarting: a pod being
    /// rescheduled, a process being restarted) before the load fails with an <see cref="IOException"/>.</summary>
    public TimeSpan UnavailableFor { get; init; } = TimeSpan.FromSeconds(60);

    private async Task DownloadAsync(PolicyVersion version, string temp, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        var deadline = DateTime.UtcNow + UnavailableFor;
        while (true)
        {
            try
            {
                await DownloadOnceAsync(version, temp, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
            {
                if (DateTime.UtcNow + delay > deadline)
                    throw new IOException($"policy version {version.Version} of '{version.Experiment}': the learner stayed unreachable for {UnavailableFor.TotalSeconds:F0} s ({e.Status.Detail})", e);
                PolicyFolders.TryDelete(temp);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private async Task DownloadOnceAsync(PolicyVersion version, string temp, CancellationToken cancellationToken)
    {
        var request = new GetPolicyRequest { Experiment = version.Experiment, Version = version.Version };
        using var call = _learner.GetPolicy(request, cancellationToken: cancellationToken);
        PolicyVersion sent;
        try
        {
            sent = await PolicyStreaming.ReadAsync(call.ResponseStream, temp, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            throw new InvalidDataException($"policy version {version.Version} of '{version.Experiment}': the learner no longer has it ({e.Status.Detail})", e);
        }
        if (sent.Version != version.Version)
            throw new InvalidDataException($"policy version {version.Version}: the learner sent version {sent.Version}");
        var actual = PolicyChecksum.Compute(temp);
        if (!string.Equals(actual, version.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException(
                $"policy version {version.Version} streamed from the learner fails its checksum: announced sha256 {version.Sha256}, received {actual}");
    }

    public void Dispose() => _fetching.Dispose();
}
