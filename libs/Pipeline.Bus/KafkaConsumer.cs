using Confluent.Kafka;
using Google.Protobuf;

namespace Pipeline.Bus;

/// <summary>
/// One member of a consumer group on one topic. Nothing is committed automatically: an offset is committed when the
/// worker calls <see cref="Commit"/> after processing, so a consumer that dies before that hands the message to the
/// next member (at-least-once). An unparsable payload is dead-lettered and skipped.
/// </summary>
internal sealed class KafkaConsumer<T> : IConsumer<T> where T : IMessage<T>
{
    private readonly KafkaBus _bus;
    private readonly Topic<T> _topic;
    private readonly string _qualified;
    private readonly IConsumer<string, byte[]> _consumer;
    // Per partition: the offset after the last delivery handed out, and the offset committed (both "next to read").
    private readonly Dictionary<int, long> _delivered = [];
    private readonly Dictionary<int, long> _committed = [];
    // librdkafka must not close a consumer while another thread polls it: polls and Dispose take turns on this gate.
    private readonly Lock _gate = new();
    private bool _disposed;

    public KafkaConsumer(KafkaBus bus, Topic<T> topic, string group)
    {
        (_bus, _topic, _qualified) = (bus, topic, bus.Options.Qualify(topic.Name));
        var config = new ConsumerConfig
        {
            BootstrapServers = bus.Options.BootstrapServers,
            // One Kafka group per experiment, service and topic: offsets are per (topic, group) as on the in-memory
            // bus, and a service's consumer of one topic joining or leaving never rebalances its consumer of another
            // (nor another experiment's).
            GroupId = $"{bus.Options.Qualify(group)}.{topic.Name}",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            // A new group reads the topic from its start, as on the in-memory bus.
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        KafkaBus.ApplySettings(config, bus.Options.Settings);
        KafkaBus.ApplySettings(config, bus.Options.ConsumerSettings);
        _consumer = new ConsumerBuilder<string, byte[]>(config).Build();
        _consumer.Subscribe(_qualified);
    }

    public long Lag
    {
        get
        {
            using var admin = new DependentAdminClientBuilder(_consumer.Handle).Build();
            var timeout = _bus.Options.QueryTimeout;
            var partitions = admin.GetMetadata(_qualified, timeout).Topics.Single(t => t.Topic == _qualified).Partitions
                .Select(p => new TopicPartition(_qualified, p.PartitionId)).ToList();
            // The group's committed offsets (what a restarted member would resume from), not this member's position.
            var committed = _consumer.Committed(partitions, timeout);
            long lag = 0;
            foreach (var tpo in committed)
            {
                var marks = _consumer.QueryWatermarkOffsets(tpo.TopicPartition, timeout);
                var from = tpo.Offset == Offset.Unset ? marks.Low.Value : tpo.Offset.Value;
                lag += Math.Max(0, marks.High.Value - from);
            }
            return lag;
        }
    }

    public Task<Delivery<T>?> ConsumeAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        // librdkafka's poll blocks a thread; it runs off the caller's, in slices so cancellation is seen.
        Task.Run(async () =>
        {
            var deadline = DateTime.UtcNow + timeout;
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var left = deadline - DateTime.UtcNow;
                var slice = left < TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100);
                ConsumeResult<string, byte[]>? result;
                lock (_gate)
                {
                    ObjectDisposedException.ThrowIf(_disposed, this);
                    result = _consumer.Consume(slice > TimeSpan.Zero ? slice : TimeSpan.Zero);
                }
                if (result is null)
                {
                    if (left <= TimeSpan.Zero) return null;
                    continue;
                }
                var key = result.Message.Key ?? "";
                var payload = result.Message.Value ?? [];
                var (partition, offset) = (result.Partition.Value, result.Offset.Value);
                if (TryParse(payload, out var message, out var reason))
                {
                    lock (_delivered) _delivered[partition] = offset + 1;
                    return new Delivery<T>(_topic.Name, key, message!, offset) { Partition = partition };
                }
                await _bus.DeadLetterAsync(_topic.Name, key, payload, reason!).ConfigureAwait(false);
                SkipDeadLettered(partition, offset);
            }
        }, cancellationToken);

    public void Commit(Delivery<T> delivery)
    {
        CommitNext(delivery.Partition, delivery.Offset + 1);
    }

    /// <summary>Leaves the group at once (its partitions go to the others) without committing anything more.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _consumer.Close();
            _consumer.Dispose();
        }
    }

    /// <summary>
    /// Commits past a dead-lettered record, unless a delivery before it in the partition is still being processed:
    /// committing then would skip that delivery after a crash. Left uncommitted, the bad record is dead-lettered again
    /// on redelivery (at-least-once, like everything else) or covered by the worker's next commit.
    /// </summary>
    private void SkipDeadLettered(int partition, long offset)
    {
        bool outstanding;
        lock (_delivered)
        {
            outstanding = _delivered.TryGetValue(partition, out var delivered) && _committed.GetValueOrDefault(partition) < delivered;
        }
        if (!outstanding) CommitNext(partition, offset + 1);
    }

    private void CommitNext(int partition, long next)
    {
        lock (_delivered)
        {
            if (_committed.TryGetValue(partition, out var done) && done >= next) return;
        }
        try
        {
            _consumer.Commit([new TopicPartitionOffset(_qualified, partition, next)]);
        }
        catch (KafkaException e) when (e.Error.Code is ErrorCode.RebalanceInProgress or ErrorCode.IllegalGeneration
            or ErrorCode.UnknownMemberId or ErrorCode.Local_State)
        {
            // The partition moved to another member during processing: it redelivers the message, which the
            // worker's idempotence by group id absorbs. Failing the worker here would only restart it.
            return;
        }
        lock (_delivered) _committed[partition] = Math.Max(_committed.GetValueOrDefault(partition), next);
    }

    private bool TryParse(byte[] payload, out T? message, out string? reason)
    {
        try
        {
            message = _topic.Parser.ParseFrom(payload);
            reason = null;
            return true;
        }
        catch (InvalidProtocolBufferException e)
        {
            message = default;
            reason = $"cannot parse {typeof(T).Name} from {payload.Length} bytes: {e.Message}";
            return false;
        }
    }
}
