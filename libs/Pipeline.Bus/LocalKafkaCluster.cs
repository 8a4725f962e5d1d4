using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Pipeline.Bus;

/// <summary>
/// A Kafka-protocol cluster for tests and one-machine runs (<c>pipeline broker</c>, <c>pipeline run --distributed</c>):
/// librdkafka's mock cluster. A client configured with <c>test.mock.num.brokers</c> starts that many brokers on
/// loopback sockets that live as long as the client; other clients, in this process or others, reach them as a real
/// cluster through <see cref="BootstrapServers"/>. Not a broker to keep data in: about 5 MB per partition, no real
/// transactions, and no Admin API worth using (CreateTopics times out and can corrupt the client), so topics come from
/// auto-creation (<see cref="AutoCreateTopicProvisioner"/>); metadata requests are fine.
/// </summary>
public sealed partial class LocalKafkaCluster : IDisposable
{
    private readonly IProducer<Null, Null> _owner;

    public LocalKafkaCluster(int brokers = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        var config = new ProducerConfig { BootstrapServers = "unused:9092" };
        config.Set("test.mock.num.brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        _owner = new ProducerBuilder<Null, Null>(config).Build();
        RemoveInitialRebalanceDelay(_owner.Handle);
        using var admin = new DependentAdminClientBuilder(_owner.Handle).Build();
        var metadata = admin.GetMetadata(TimeSpan.FromSeconds(10)).Brokers;
        BootstrapServers = string.Join(",", metadata.Select(b => $"{b.Host}:{b.Port}"));
    }

    public string BootstrapServers { get; }

    public void Dispose() => _owner.Dispose();

    /// <summary>
    /// The mock's group coordinator waits 3 s before the first assignment of an empty group (Kafka's
    /// group.initial.rebalance.delay.ms); every new or restarted consumer here starts an empty group, so tests would
    /// spend most of their time waiting. No config property sets it: librdkafka's mock API does, through the cluster
    /// handle, which Confluent.Kafka keeps internal. If that ever breaks, the tests still pass, only slower.
    /// </summary>
    private static void RemoveInitialRebalanceDelay(Handle handle)
    {
        NativeLibrary.SetDllImportResolver(typeof(LocalKafkaCluster).Assembly, (name, _, _) =>
            name == "librdkafka" && LoadedLibrdkafka() is { } path ? NativeLibrary.Load(path) : IntPtr.Zero);
        var property = typeof(Handle).GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic);
        if (property?.GetValue(handle) is not SafeHandle kafka) return;
        try
        {
            var cluster = HandleMockCluster(kafka.DangerousGetHandle());
            if (cluster != IntPtr.Zero) GroupInitialRebalanceDelayMs(cluster, 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Only slower without it (see above).
        }
    }

    /// <summary>
    /// The variant Confluent.Kafka chose and loaded (glibc, centos8, alpine builds sit side by side, and the plain one
    /// needs libsasl2, absent here): loading that same file again only returns its handle.
    /// </summary>
    private static string? LoadedLibrdkafka() =>
        File.ReadLines("/proc/self/maps").Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(fields => fields.Length >= 6 && fields[5].EndsWith("librdkafka.so", StringComparison.Ordinal))
            .Select(fields => fields[5]).FirstOrDefault();

    [LibraryImport("librdkafka", EntryPoint = "rd_kafka_handle_mock_cluster")]
    private static partial IntPtr HandleMockCluster(IntPtr kafka);

    [LibraryImport("librdkafka", EntryPoint = "rd_kafka_mock_group_initial_rebalance_delay_ms")]
    private static partial void GroupInitialRebalanceDelayMs(IntPtr cluster, int delayMs);
}
