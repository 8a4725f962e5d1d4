using Confluent.Kafka;
using Pipeline.Bus;
using Pipeline.Contracts.V1;
using Pipeline.Core.Spec;

namespace Pipeline.Services.Controller.Cluster;

/// <summary>Every evaluation an experiment's evaluator published, read back from its <c>eval</c> topic.</summary>
public interface IEvaluationHistory
{
    /// <summary>The newest result of each evaluation set (by step); empty when the topic cannot be read.</summary>
    Task<IReadOnlyList<EvalResult>> LatestAsync(string @namespace, string experiment, KafkaConnection connection, CancellationToken cancellationToken);
}

/// <summary>
/// Reads the <c>eval</c> topic from the beginning with a throw-away consumer group (nothing is committed). The
/// controller uses it once an experiment has finished, when the evaluator, which reported over gRPC while it ran, has
/// exited: its final results are on the topic for good.
/// </summary>
public sealed class KafkaEvalTopicReader : IEvaluationHistory
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    public Task<IReadOnlyList<EvalResult>> LatestAsync(string @namespace, string experiment, KafkaConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        // Confluent's consumer is synchronous; one short read on a worker thread.
        return Task.Run(() => Read(Topics.Qualified(@namespace, experiment, Topics.Eval.Name), connection, cancellationToken), cancellationToken);
    }

    private static IReadOnlyList<EvalResult> Read(string topic, KafkaConnection connection, CancellationToken cancellationToken)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = connection.BootstrapServers,
            GroupId = $"pipeline-controller-{Guid.NewGuid():N}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        };
        KafkaBus.ApplySettings(config, connection.Settings);
        using var consumer = new ConsumerBuilder<string, byte[]>(config).Build();
        consumer.Subscribe(topic);
        var latest = new Dictionary<string, EvalResult>(StringComparer.Ordinal);
        var finished = new HashSet<int>();
        var deadline = DateTime.UtcNow + Limit;
        try
        {
            while (DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
                if (result is null) continue;
                if (result.IsPartitionEOF)
                {
                    finished.Add(result.Partition.Value);
                    if (consumer.Assignment.Count > 0 && consumer.Assignment.All(p => finished.Contains(p.Partition.Value))) break;
                    continue;
                }
                EvalResult message;
                try
                {
                    message = EvalResult.Parser.ParseFrom(result.Message.Value);
                }
                catch (Google.Protobuf.InvalidProtocolBufferException)
                {
                    continue; // not an evaluation: the services dead-letter such messages; the controller only reads
                }
                if (!latest.TryGetValue(message.Dataset, out var seen) || message.Step >= seen.Step) latest[message.Dataset] = message;
            }
        }
        catch (ConsumeException)
        {
            // The topic is not there (yet): nothing was evaluated.
        }
        finally
        {
            consumer.Close();
        }
        return [.. latest.Values];
    }
}
