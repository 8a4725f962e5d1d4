namespace Pipeline.Bus;

/// <summary>Where a <see cref="KafkaBus"/> connects and whose topics it uses.</summary>
public sealed record KafkaBusOptions
{
    public required string BootstrapServers { get; init; }

    /// <summary>With <see cref="Experiment"/>, qualifies topic and consumer-group names (<see cref="Topics.Qualified"/>).</summary>
    public required string Namespace { get; init; }

    public required string Experiment { get; init; }

    /// <summary>Names this process in dead letters.</summary>
    public string Service { get; init; } = "service";

    /// <summary>Further librdkafka settings for every client (security, timeouts), applied after the bus's own.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Further librdkafka settings for consumers only (session and poll timeouts), applied last.</summary>
    public IReadOnlyDictionary<string, string> ConsumerSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>How long Dispose waits for messages still in flight.</summary>
    public TimeSpan FlushTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a lag query waits for the brokers.</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public string Qualify(string name) => Topics.Qualified(Namespace, Experiment, name);
}
