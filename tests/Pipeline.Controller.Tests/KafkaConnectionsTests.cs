using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Confluent.Kafka;
using Pipeline.Bus;
using Pipeline.Controller.Tests.FakeApi;
using Pipeline.Core.Spec;
using Pipeline.Services.Controller;
using Pipeline.Services.Controller.Cluster;

namespace Pipeline.Controller.Tests;

/// <summary>What <see cref="KafkaConnections"/> resolves is a configuration librdkafka itself accepts: every key is one
/// it knows and the CA is a certificate it can load (it checks both when a client is built, before any broker).</summary>
public sealed class KafkaConnectionsTests : IAsyncLifetime
{
    private FakeApiServer _api = null!;

    public async Task InitializeAsync() => _api = await FakeApiServer.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    [Fact]
    public async Task SecretsResolveToSettings_ThatLibrdkafkaBuildsAnAdminClientAndAConsumerWith()
    {
        _api.Store.UpsertSecret("default", "creds", ("username", "trainer"), ("password", "s3cret"));
        _api.Store.UpsertSecret("default", "ca", ("ca.crt", SelfSignedPem()));
        using var client = _api.CreateClient();
        var connections = new KafkaConnections(client, new ControllerOptions(), new Dictionary<string, string> { ["ssl.ca.location"] = "/nowhere/ca.crt" });
        var kafka = new ClusterKafkaSpec
        {
            BootstrapServers = "127.0.0.1:1", SecurityProtocol = KafkaSecurityProtocol.SaslSsl, SaslMechanism = KafkaSaslMechanism.ScramSha512,
            CredentialsSecret = "creds", CaSecret = "ca",
        };

        var connection = await connections.ResolveAsync("default", kafka, CancellationToken.None);

        Assert.False(connection.Settings.ContainsKey("ssl.ca.location"), "the experiment's CA replaces the controller's own");
        var admin = new AdminClientConfig { BootstrapServers = connection.BootstrapServers };
        KafkaBus.ApplySettings(admin, connection.Settings);
        using (new AdminClientBuilder(admin).Build()) { }
        var consumer = new ConsumerConfig { BootstrapServers = connection.BootstrapServers, GroupId = "check" };
        KafkaBus.ApplySettings(consumer, connection.Settings);
        using (new ConsumerBuilder<string, byte[]>(consumer).Build()) { }
    }

    [Fact]
    public async Task NotACertificate_IsRefusedByLibrdkafka_SoTheCheckAboveCanFail()
    {
        _api.Store.UpsertSecret("default", "ca", ("ca.crt", "not a certificate"));
        using var client = _api.CreateClient();
        var connections = new KafkaConnections(client, new ControllerOptions(), new Dictionary<string, string>());
        var connection = await connections.ResolveAsync("default", new ClusterKafkaSpec { BootstrapServers = "127.0.0.1:1", SecurityProtocol = KafkaSecurityProtocol.Ssl, CaSecret = "ca" }, CancellationToken.None);
        var admin = new AdminClientConfig { BootstrapServers = connection.BootstrapServers };
        KafkaBus.ApplySettings(admin, connection.Settings);
        var e = Assert.Throws<InvalidOperationException>(() => new AdminClientBuilder(admin).Build().Dispose());
        Assert.Contains("ssl.ca.pem", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoBootstrapServers_IsASettingsError_NamingWhereToSetThem()
    {
        using var client = _api.CreateClient();
        var connections = new KafkaConnections(client, new ControllerOptions(), new Dictionary<string, string>());
        var e = await Assert.ThrowsAsync<KafkaSettingsException>(() => connections.ResolveAsync("default", new ClusterKafkaSpec(), CancellationToken.None));
        Assert.Contains("spec.cluster.kafka.bootstrapServers", e.Message, StringComparison.Ordinal);
    }

    private static string SelfSignedPem()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=test-kafka-ca", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.ExportCertificatePem();
    }
}
