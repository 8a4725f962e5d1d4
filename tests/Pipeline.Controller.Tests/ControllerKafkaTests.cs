using System.Text.Json.Nodes;
using k8s;
using Pipeline.Controller.Tests.Harness;
using static Pipeline.Controller.Tests.Harness.ControllerFixture;

namespace Pipeline.Controller.Tests;

/// <summary>The controller's own Kafka work (creating and deleting an experiment's topics), and how it connects: as the
/// experiment's services do, with the experiment's security settings and Secrets.</summary>
public sealed class ControllerKafkaTests
{
    private const string Pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    [Fact]
    public async Task KafkaUnavailable_IsDegraded_ThenRecovers()
    {
        await using var f = await StartAsync();
        f.Topics.Unavailable = "Local: Broker transport failure";
        await f.CreateAsync(Experiment("wait"));
        await WaitUntilAsync(() => f.Condition("wait", "Degraded")?["reason"]?.GetValue<string>() == "KafkaUnavailable", "Degraded");
        Assert.Contains("Broker transport failure", f.Condition("wait", "Degraded")!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, f.Api.Requests.Count("create", "jobs"));
        f.Topics.Unavailable = null;
        await WaitUntilAsync(() => f.Job("wait", "learner") is not null && f.Condition("wait", "Degraded")?["status"]?.GetValue<string>() == "False", "recovered");
    }

    [Fact]
    public async Task TopicsFinalizer_DeletesTheTopics_BeforeTheExperimentGoes()
    {
        await using var f = await StartAsync();
        await f.CreateAsync(Experiment("tidy", spec => spec["cluster"] = new JsonObject { ["kafka"] = new JsonObject { ["deleteTopics"] = true } }));
        await WaitUntilAsync(() => f.Stored("tidy")?["metadata"]?["finalizers"]?.AsArray().Any(x => x!.GetValue<string>() == "pipeline.efficient-reasoning.dev/topics") == true, "finalizer added");
        await f.Client.CustomObjects.DeleteNamespacedCustomObjectAsync("pipeline.efficient-reasoning.dev", "v1alpha1", Ns, "experiments", "tidy");
        await WaitUntilAsync(() => f.Stored("tidy") is null, "the Experiment is gone");
        Assert.Contains("delete ml/tidy", f.Topics.Calls);
        f.AssertRbacCoversEveryCall();
    }

    [Fact]
    public async Task SecuredKafka_TopicsAreCreated_WithTheExperimentsCredentialsAndCa()
    {
        await using var f = await StartAsync();
        f.Api.Store.UpsertSecret(Ns, "kafka-credentials", ("username", "trainer"), ("password", "s3cret"));
        f.Api.Store.UpsertSecret(Ns, "kafka-ca", ("ca.crt", Pem));
        await f.CreateAsync(Experiment("secure", Secured));
        await WaitUntilAsync(() => f.Job("secure", "learner") is not null, "Jobs once the topics exist");

        var connection = Assert.Single(f.Topics.Connections);
        Assert.Equal("broker.kafka:9093", connection.BootstrapServers);
        Assert.Equal("SASL_SSL", connection.Settings["security.protocol"]);
        Assert.Equal("SCRAM-SHA-512", connection.Settings["sasl.mechanism"]);
        Assert.Equal("trainer", connection.Settings["sasl.username"]);
        Assert.Equal("s3cret", connection.Settings["sasl.password"]);
        Assert.Equal(Pem, connection.Settings["ssl.ca.pem"]);
        // The Jobs never carry the secrets themselves: their pods read them from the same Secrets.
        Assert.DoesNotContain("s3cret", f.Job("secure", "learner")!.ToJsonString(), StringComparison.Ordinal);
        f.AssertRbacCoversEveryCall();
    }

    [Fact]
    public async Task MissingSecret_IsDegradedKafkaMisconfigured_NamingIt_ThenRecoversWhenCreated()
    {
        await using var f = await StartAsync();
        f.Api.Store.UpsertSecret(Ns, "kafka-ca", ("ca.crt", Pem));
        await f.CreateAsync(Experiment("nosecret", Secured));
        await WaitUntilAsync(() => f.Condition("nosecret", "Degraded")?["reason"]?.GetValue<string>() == "KafkaMisconfigured", "Degraded");
        Assert.Equal("cannot create the Kafka topics: Secret ml/kafka-credentials (spec.cluster.kafka.credentialsSecret) does not exist",
            f.Condition("nosecret", "Degraded")!["message"]!.GetValue<string>());
        Assert.Empty(f.Topics.Calls);
        Assert.Equal(0, f.Api.Requests.Count("create", "jobs"));

        f.Api.Store.UpsertSecret(Ns, "kafka-credentials", ("username", "trainer"), ("password", "s3cret"));
        await WaitUntilAsync(() => f.Job("nosecret", "learner") is not null && f.Condition("nosecret", "Degraded")?["status"]?.GetValue<string>() == "False", "recovered");
    }

    [Fact]
    public async Task SecretWithoutAKey_NamesTheKeyItLacks()
    {
        await using var f = await StartAsync();
        f.Api.Store.UpsertSecret(Ns, "kafka-credentials", ("user", "trainer"), ("password", "s3cret"));
        f.Api.Store.UpsertSecret(Ns, "kafka-ca", ("ca.crt", Pem));
        await f.CreateAsync(Experiment("nokey", Secured));
        await WaitUntilAsync(() => f.Condition("nokey", "Degraded")?["reason"]?.GetValue<string>() == "KafkaMisconfigured", "Degraded");
        Assert.Equal("cannot create the Kafka topics: Secret ml/kafka-credentials (spec.cluster.kafka.credentialsSecret) has no key \"username\" (expected keys: username, password)",
            f.Condition("nokey", "Degraded")!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task WithoutReadingSecrets_TheControllerConnectsWithItsOwnSettingsOnly()
    {
        await using var f = await StartAsync("--Controller:ReadKafkaSecrets=false", "--Kafka:Settings:sasl.username=controller",
            "--Kafka:Settings:ssl.ca.location=/etc/controller/ca.crt");
        await f.CreateAsync(Experiment("own", Secured));
        await WaitUntilAsync(() => f.Job("own", "learner") is not null, "Jobs");
        var connection = Assert.Single(f.Topics.Connections);
        Assert.Equal("controller", connection.Settings["sasl.username"]);
        Assert.Equal("/etc/controller/ca.crt", connection.Settings["ssl.ca.location"]);
        Assert.Equal("SASL_SSL", connection.Settings["security.protocol"]);
        Assert.False(connection.Settings.ContainsKey("ssl.ca.pem"));
        Assert.Equal(0, f.Api.Requests.Count("get", "secrets"));
    }

    [Fact]
    public async Task TopicsFinalizer_GivesUp_WhenTheSecretIsGone_SoDeletionNeverHangs()
    {
        await using var f = await StartAsync();
        f.Api.Store.UpsertSecret(Ns, "kafka-credentials", ("username", "trainer"), ("password", "s3cret"));
        f.Api.Store.UpsertSecret(Ns, "kafka-ca", ("ca.crt", Pem));
        await f.CreateAsync(Experiment("orphan", spec => { Secured(spec); spec["cluster"]!["kafka"]!["deleteTopics"] = true; }));
        await WaitUntilAsync(() => f.Job("orphan", "learner") is not null, "Jobs");

        // As when the namespace is deleted: the Secret goes before the Experiment.
        f.Api.Store.Delete("secrets", Ns, "kafka-credentials");
        await f.Client.CustomObjects.DeleteNamespacedCustomObjectAsync("pipeline.efficient-reasoning.dev", "v1alpha1", Ns, "experiments", "orphan");
        await WaitUntilAsync(() => f.Stored("orphan") is null, "the Experiment is gone");
        Assert.DoesNotContain("delete ml/orphan", f.Topics.Calls);
        var warning = f.Api.Store.List("events", Ns).Single(e => e["reason"]?.GetValue<string>() == "TopicsNotDeleted");
        Assert.Equal("Warning", warning["type"]!.GetValue<string>());
        Assert.Contains("Secret ml/kafka-credentials", warning["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>The GPU example's Kafka: SASL_SSL with SCRAM, credentials and CA in Secrets.</summary>
    private static void Secured(JsonObject spec) =>
        spec["cluster"] = new JsonObject
        {
            ["kafka"] = new JsonObject
            {
                ["bootstrapServers"] = "broker.kafka:9093", ["securityProtocol"] = "SASL_SSL", ["saslMechanism"] = "SCRAM-SHA-512",
                ["credentialsSecret"] = "kafka-credentials", ["caSecret"] = "kafka-ca",
            },
        };

}
