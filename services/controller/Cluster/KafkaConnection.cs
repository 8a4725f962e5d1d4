using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using Pipeline.Core.Spec;
using Pipeline.Services.Controller.Reconcile;

namespace Pipeline.Services.Controller.Cluster;

/// <summary>How the controller reaches one experiment's Kafka: its bootstrap servers and librdkafka settings.</summary>
public sealed record KafkaConnection(string BootstrapServers, IReadOnlyDictionary<string, string> Settings);

/// <summary>The experiment's Kafka settings cannot work as written (no servers, a missing Secret or key): the user's to fix.</summary>
public sealed class KafkaSettingsException(string message) : Exception(message);

/// <summary>
/// Builds an experiment's <see cref="KafkaConnection"/> for the controller's own clients (topic admin, eval reader), so
/// that they connect as the experiment's services do: the controller's <c>--Kafka:Settings</c>, then the experiment's
/// security protocol and SASL mechanism, then its <c>credentialsSecret</c> (keys <c>username</c>, <c>password</c>) and
/// <c>caSecret</c> (key <c>ca.crt</c>), read from the experiment's namespace unless
/// <see cref="ControllerOptions.ReadKafkaSecrets"/> is off.
/// </summary>
public sealed class KafkaConnections(IKubernetes client, ControllerOptions options, IReadOnlyDictionary<string, string> own)
{
    public const string UsernameKey = "username";
    public const string PasswordKey = "password";
    public const string CaKey = "ca.crt";

    public async Task<KafkaConnection> ResolveAsync(string @namespace, ClusterKafkaSpec kafka, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kafka);
        var servers = PodTemplates.BootstrapServers(kafka, options);
        if (servers.Length == 0)
            throw new KafkaSettingsException("no Kafka bootstrap servers: set spec.cluster.kafka.bootstrapServers or the chart's kafka.bootstrapServers");
        var settings = Settings(own, kafka);
        if (!options.ReadKafkaSecrets) return new KafkaConnection(servers, settings);
        if (kafka.SaslMechanism is not null && kafka.CredentialsSecret is { Length: > 0 } credentials)
        {
            var data = await ReadAsync(@namespace, credentials, "spec.cluster.kafka.credentialsSecret", [UsernameKey, PasswordKey], cancellationToken).ConfigureAwait(false);
            settings["sasl.username"] = data[UsernameKey];
            settings["sasl.password"] = data[PasswordKey];
        }
        if (kafka.CaSecret is { Length: > 0 } ca)
        {
            var data = await ReadAsync(@namespace, ca, "spec.cluster.kafka.caSecret", [CaKey], cancellationToken).ConfigureAwait(false);
            // The certificate itself (librdkafka's ssl.ca.pem); a location of the controller's own would contradict it.
            settings.Remove("ssl.ca.location");
            settings["ssl.ca.pem"] = data[CaKey];
        }
        return new KafkaConnection(servers, settings);
    }

    /// <summary>The controller's own settings plus the experiment's security protocol and mechanism.</summary>
    internal static Dictionary<string, string> Settings(IReadOnlyDictionary<string, string> own, ClusterKafkaSpec kafka)
    {
        var result = new Dictionary<string, string>(own, StringComparer.Ordinal);
        if (kafka.SecurityProtocol != KafkaSecurityProtocol.Plaintext) result["security.protocol"] = EnumNames.Name(kafka.SecurityProtocol);
        if (kafka.SaslMechanism is { } mechanism) result["sasl.mechanism"] = EnumNames.Name(mechanism);
        return result;
    }

    private async Task<Dictionary<string, string>> ReadAsync(string @namespace, string name, string field, string[] keys, CancellationToken cancellationToken)
    {
        var where = $"Secret {@namespace}/{name} ({field})";
        k8s.Models.V1Secret secret;
        try
        {
            secret = await client.CoreV1.ReadNamespacedSecretAsync(name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            throw new KafkaSettingsException($"{where} does not exist");
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new KafkaSettingsException($"{where}: the controller may not read it (the chart grants get on Secrets unless kafka.readExperimentSecrets is false)");
        }
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            if (secret.Data?.TryGetValue(key, out var bytes) != true || bytes is null || bytes.Length == 0)
                throw new KafkaSettingsException($"{where} has no key \"{key}\" (expected keys: {string.Join(", ", keys)})");
            result[key] = Encoding.UTF8.GetString(bytes);
        }
        return result;
    }
}
