using Pipeline.Bus;

namespace Pipeline.Hosting;

/// <summary>How topics come to exist: the Admin API (a real cluster) or the broker's auto-creation (local mock, dev).</summary>
public enum TopicProvisioning
{
    Admin,
    AutoCreate,
}

/// <summary>
/// The Kafka cluster a service talks through, bound from the <c>Kafka</c> section
/// (<c>--Kafka:BootstrapServers=host:9092</c>, <c>PIPELINE_Kafka__BootstrapServers</c>, ...). Any librdkafka setting
/// goes under <c>Kafka:Settings</c> (e.g. <c>--Kafka:Settings:security.protocol=SASL_SSL</c>).
/// </summary>
public sealed class KafkaOptions
{
    public const string Section = "Kafka";

    /// <summary>Comma-separated host:port list.</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>First part of every topic and consumer-group name (<c>&lt;namespace&gt;.&lt;experiment&gt;.&lt;topic&gt;</c>).</summary>
    public string Namespace { get; set; } = "default";

    public TopicProvisioning Provisioning { get; set; } = TopicProvisioning.Admin;

    /// <summary>librdkafka settings for every client.</summary>
    public Dictionary<string, string> Settings { get; set; } = [];

    /// <summary>librdkafka settings for consumers only (e.g. <c>session.timeout.ms</c>).</summary>
    public Dictionary<string, string> ConsumerSettings { get; set; } = [];

    /// <summary>Every problem, one line each naming the setting; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(BootstrapServers))
            errors.Add($"{Section}:BootstrapServers: required (host:port[,host:port...])");
        else if (BootstrapServers.Split(',').FirstOrDefault(b => !IsHostPort(b.Trim())) is { } bad)
            errors.Add($"{Section}:BootstrapServers: '{bad}' is not host:port");
        if (string.IsNullOrWhiteSpace(Namespace) || Namespace.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
            errors.Add($"{Section}:Namespace: '{Namespace}' must be letters, digits, '-' or '_'");
        return errors;
    }

    /// <summary>Connects to the experiment's topics, creating them first as <see cref="Provisioning"/> says.</summary>
    public Task<KafkaBus> ConnectAsync(string experiment, string service, CancellationToken cancellationToken = default)
    {
        var options = new KafkaBusOptions
        {
            BootstrapServers = BootstrapServers!, Namespace = Namespace, Experiment = experiment, Service = service,
            Settings = Settings, ConsumerSettings = ConsumerSettings,
        };
        ITopicProvisioner provisioner = Provisioning == TopicProvisioning.AutoCreate
            ? new AutoCreateTopicProvisioner(options.BootstrapServers)
            : new AdminTopicProvisioner(options.BootstrapServers, settings: Settings);
        return KafkaBus.ConnectAsync(options, provisioner, cancellationToken);
    }

    private static bool IsHostPort(string value)
    {
        var colon = value.LastIndexOf(':');
        return colon > 0 && int.TryParse(value[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535;
    }
}

/// <summary>Reads the <c>Kafka</c> section.</summary>
public static class KafkaOptionsBinding
{
    /// <summary>The section, validated: a service that works over the bus cannot start without it.</summary>
    public static KafkaOptions Required(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        OptionsBinding.Bind<KafkaOptions>(configuration, KafkaOptions.Section, o => o.Validate());

    /// <summary>The section when <c>Kafka:BootstrapServers</c> is set (validated), else null.</summary>
    public static KafkaOptions? Optional(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        configuration?.GetSection(KafkaOptions.Section)[nameof(KafkaOptions.BootstrapServers)] is null ? null : Required(configuration);
}
