using Grpc.Core;
using Pipeline.Contracts.V1;
using Pipeline.Workers.Policy;

namespace Pipeline.Workers.Tests.Policy;

/// <summary>Policy folders over a real in-process Learner gRPC service (Kestrel h2c on loopback).</summary>
public sealed class PolicyStreamingTests
{
    private const int SmallChunk = 4096;   // the tiny model's safetensors file (~90 KB) spans many chunks

    /// <summary>The learner's side: a version published to a folder store, served by PolicyStreaming.</summary>
    private sealed class Published : IDisposable
    {
        public Published(long version = 1)
        {
            Source = PolicyTestModels.LoadSource();
            Store = new FolderPolicyStore(PolicyTestModels.NewFolder("policy-learner"), PolicyTestModels.SourceFolder);
            Announcement = Store.Publish(Source.Model, "exp", version, step: (int)version * 10);
        }

        public Pipeline.Model.LoadedModel Source { get; }
        public FolderPolicyStore Store { get; }
        public PolicyVersion Announcement { get; }
        public string Folder => Store.VersionFolder(Announcement.Version);

        public Task Serve(IServerStreamWriter<PolicyChunk> writer, ServerCallContext context) =>
            PolicyStreaming.WriteAsync(Announcement, Folder, writer, SmallChunk, context.CancellationToken);

        public void Dispose() => Source.Dispose();
    }

    private static GrpcPolicyStore Consumer(LearnerServer server) => new(server.Client, PolicyTestModels.NewFolder("policy-cache"));

    private static async Task<List<PolicyChunk>> ReadAllChunks(LearnerServer server)
    {
        using var call = server.Client.GetPolicy(new GetPolicyRequest { Experiment = "exp", Version = 1 });
        var chunks = new List<PolicyChunk>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None)) chunks.Add(call.ResponseStream.Current);
        return chunks;
    }

    [Fact]
    public async Task GrpcStore_StreamedInSmallChunks_LoadsTheSameWeights()
    {
        using var published = new Published(version: 0);
        await using var server = await LearnerServer.StartAsync((_, writer, context) => published.Serve(writer, context));
        using var consumer = Consumer(server);
        using var target = PolicyTestModels.Other(published.Source.Config);

        consumer.LoadInto(published.Announcement, target);

        Assert.True(PolicyTestModels.SameWeights(published.Source.Model, target));
        Assert.Equal(published.Announcement.Sha256, PolicyChecksum.Compute(Path.Combine(consumer.CacheFolder, "v0")));
        var request = Assert.Single(server.Learner.Requests);
        Assert.True(request.HasVersion);   // version 0 is asked for explicitly, not read as "the latest"
        Assert.Equal(("exp", 0L), (request.Experiment, request.Version));
    }

    [Fact]
    public async Task WriteAsync_SendsSortedFilesInChunks_PolicyFirstAndLastPerFile()
    {
        using var published = new Published();
        File.WriteAllBytes(Path.Combine(published.Folder, "empty.txt"), []);
        var announcement = published.Announcement.Clone();
        await using var server = await LearnerServer.StartAsync((_, writer, context) =>
            PolicyStreaming.WriteAsync(announcement, published.Folder, writer, SmallChunk, context.CancellationToken));

        var chunks = await ReadAllChunks(server);

        Assert.Equal(announcement, chunks[0].Policy);
        Assert.All(chunks.Skip(1), c => Assert.Null(c.Policy));
        Assert.Equal(PolicyChecksum.RelativeFiles(published.Folder), chunks.Select(c => c.File).Distinct());
        Assert.All(chunks, c => Assert.InRange(c.Data.Length, 0, SmallChunk));
        var weights = chunks.Where(c => c.File == "model.safetensors").ToList();
        Assert.True(weights.Count > 3);
        Assert.Equal(weights.Select((c, i) => (long)i * SmallChunk), weights.Select(c => c.Offset));
        Assert.Equal([false], weights.SkipLast(1).Select(c => c.Last).Distinct());
        Assert.True(weights[^1].Last);
        var empty = Assert.Single(chunks, c => c.File == "empty.txt");
        Assert.True(empty.Last && empty.Data.IsEmpty);
    }

    [Fact]
    public async Task GrpcStore_CachedVersion_IsNotStreamedAgain()
    {
        using var published = new Published();
        await using var server = await LearnerServer.StartAsync((_, writer, context) => published.Serve(writer, context));
        using var consumer = Consumer(server);
        using var target = PolicyTestModels.Other(published.Source.Config);

        consumer.LoadInto(published.Announcement, target);
        consumer.LoadInto(published.Announcement, target);

        Assert.Single(server.Learner.Requests);
        Assert.True(PolicyTestModels.SameWeights(published.Source.Model, target));
    }

    [Fact]
    public async Task GrpcStore_KeepsTheNewestVersionsInItsCache()
    {
        using var source = PolicyTestModels.LoadSource();
        var learner = new FolderPolicyStore(PolicyTestModels.NewFolder("policy-learner"), PolicyTestModels.SourceFolder);
        var announcements = new[] { 1L, 2, 3 }.Select(v => learner.Publish(source.Model, "exp", v, (int)v)).ToList();
        await using var server = await LearnerServer.StartAsync((request, writer, context) => PolicyStreaming.WriteAsync(
            announcements.Single(a => a.Version == request.Version), learner.VersionFolder(request.Version), writer, SmallChunk, context.CancellationToken));
        using var consumer = new GrpcPolicyStore(server.Client, PolicyTestModels.NewFolder("policy-cache"), keep: 2);

        foreach (var announcement in announcements) await consumer.FetchAsync(announcement);

        Assert.Equal(["v2", "v3"], Directory.EnumerateDirectories(consumer.CacheFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GrpcStore_TamperedChunk_FailsTheChecksumAndCachesNothing()
    {
        using var published = new Published();
        await using var server = await LearnerServer.StartAsync((_, writer, context) => published.Serve(new TamperingWriter(writer, index: 5), context));
        using var consumer = Consumer(server);
        using var target = PolicyTestModels.Other(published.Source.Config);

        var error = Assert.Throws<InvalidDataException>(() => consumer.LoadInto(published.Announcement, target));

        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
        Assert.Contains(published.Announcement.Sha256, error.Message, StringComparison.Ordinal);
        Assert.False(PolicyTestModels.SameWeights(published.Source.Model, target));
        Assert.Empty(Directory.EnumerateFileSystemEntries(consumer.CacheFolder));
    }

    [Theory]
    [InlineData("../evil.txt")]
    [InlineData("sub/../../evil.txt")]
    [InlineData("/tmp/evil.txt")]
    [InlineData("sub//evil.txt")]
    public async Task GrpcStore_UnsafeFilePath_IsRejected(string file)
    {
        using var published = new Published();
        await using var server = await LearnerServer.StartAsync((_, writer, _) => writer.WriteAsync(new PolicyChunk
        {
            Policy = published.Announcement, File = file, Offset = 0, Data = Google.Protobuf.ByteString.CopyFromUtf8("x"), Last = true,
        }));
        using var consumer = Consumer(server);
        using var target = PolicyTestModels.Other(published.Source.Config);

        var error = Assert.Throws<InvalidDataException>(() => consumer.LoadInto(published.Announcement, target));

        Assert.Contains($"refusing file path '{file}'", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(consumer.CacheFolder, "evil.txt")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(consumer.CacheFolder));
    }

    [Fact]
    public async Task GrpcStore_GapInOffsets_IsRejected()
    {
        using var published = new Published();
        await using var server = await LearnerServer.StartAsync(async (_, writer, _) =>
        {
            var data = Google.Protobuf.ByteString.CopyFromUtf8("abcd");
            await writer.WriteAsync(new PolicyChunk { Policy = published.Announcement, File = "config.json", Offset = 0, Data = data });
            await writer.WriteAsync(new PolicyChunk { File = "config.json", Offset = 8, Data = data, Last = true });
        });
        using var consumer = Consumer(server);
        using var target = PolicyTestModels.Other(published.Source.Config);

        var error = Assert.Throws<InvalidDataException>(() => consumer.LoadInto(published.Announcement, target));

        Assert.Contains("offset 8, expected 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GrpcStore_Publish_IsNotSupported()
    {
        using var published = new Published();
        await using var server = await LearnerServer.StartAsync((_, writer, context) => published.Serve(writer, context));
        using var consumer = Consumer(server);

        Assert.Throws<NotSupportedException>(() => consumer.Publish(published.Source.Model, "exp", 2, 2));
    }
}
