namespace Pipeline.Chart.Tests;

/// <summary>The controller's Deployment: arguments, ports, probes and its locked-down containers.</summary>
public class ControllerTests
{
    [Theory]
    [MemberData(nameof(RenderTests.CiValues), MemberType = typeof(RenderTests))]
    public void Every_container_runs_as_non_root_on_a_read_only_root(string values)
    {
        var rendered = Rendered.With(values);
        var workloads = rendered.Manifests.Where(m => m.Kind is "Deployment" or "StatefulSet" or "DaemonSet" or "Job").ToList();
        Assert.NotEmpty(workloads);
        foreach (var w in workloads)
        {
            var pod = w.Get("spec", "template", "spec");
            Assert.Equal(true, Bool(Yaml.At(pod, "securityContext", "runAsNonRoot")));
            var containers = Yaml.List(Yaml.At(pod, "containers")).Concat(Yaml.List(Yaml.At(pod, "initContainers"))).ToList();
            Assert.NotEmpty(containers);
            foreach (var c in containers)
            {
                var at = $"{w}: container {Yaml.At(c, "name")}";
                var sc = Yaml.At(c, "securityContext");
                Assert.True(Bool(Yaml.At(sc, "runAsNonRoot")) ?? Bool(Yaml.At(pod, "securityContext", "runAsNonRoot")), $"{at}: runAsNonRoot");
                var user = Yaml.At(sc, "runAsUser") ?? Yaml.At(pod, "securityContext", "runAsUser");
                Assert.True(user is string u && u != "0", $"{at}: runAsUser must be set and not 0, got {user}");
                Assert.True(Bool(Yaml.At(sc, "readOnlyRootFilesystem")), $"{at}: readOnlyRootFilesystem");
                Assert.False(Bool(Yaml.At(sc, "allowPrivilegeEscalation")) ?? true, $"{at}: allowPrivilegeEscalation must be false");
                Assert.Contains("ALL", Yaml.Strings(Yaml.At(sc, "capabilities", "drop")));
                Assert.Empty(Yaml.Strings(Yaml.At(sc, "capabilities", "add")));
                Assert.NotEqual(true, Bool(Yaml.At(sc, "privileged")));
                Assert.Equal("RuntimeDefault", Yaml.At(sc, "seccompProfile", "type") ?? Yaml.At(pod, "securityContext", "seccompProfile", "type"));
            }
        }
    }

    [Fact]
    public void Default_arguments_ports_and_probes()
    {
        var rendered = Rendered.With("default-values.yaml");
        Assert.Equal(
            [
                "--Controller:LeaderElection:LeaseNamespace=$(POD_NAMESPACE)",
                "--Controller:Images:Registry=ghcr.io/efficient-reasoning",
                "--Controller:Images:Tag=0.1.0",
                "--Controller:Images:Variant=cpu",
                "--Service:BindAddress=0.0.0.0",
                "--Service:MetricsPort=8080",
                "--Service:LogFormat=json",
            ],
            rendered.ControllerArgs);
        var container = Yaml.List(rendered.Controller.Get("spec", "template", "spec", "containers")).Single();
        Assert.Equal("ghcr.io/efficient-reasoning/pipeline-controller:0.1.0", Yaml.At(container, "image"));
        var port = Assert.Single(Yaml.List(Yaml.At(container, "ports")));
        Assert.Equal("http-metrics", Yaml.At(port, "name"));
        Assert.Equal("8080", Yaml.At(port, "containerPort"));
        Assert.Equal("/healthz", Yaml.At(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("/readyz", Yaml.At(container, "readinessProbe", "httpGet", "path"));
        var env = Yaml.List(Yaml.At(container, "env")).ToList();
        Assert.Equal(["POD_NAME", "POD_NAMESPACE"], env.Select(e => Yaml.At(e, "name")));
        Assert.Equal("metadata.name", Yaml.At(env[0], "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("metadata.namespace", Yaml.At(env[1], "valueFrom", "fieldRef", "fieldPath"));
        var mount = Assert.Single(Yaml.List(Yaml.At(container, "volumeMounts")));
        Assert.Equal("/tmp", Yaml.At(mount, "mountPath"));
        var volume = Assert.Single(Yaml.List(rendered.Controller.Get("spec", "template", "spec", "volumes")));
        Assert.NotNull(Yaml.At(volume, "emptyDir"));
        Assert.Equal("128Mi", Yaml.At(container, "resources", "requests", "memory"));

        var service = rendered.Single("Service", "pipeline-controller");
        var servicePort = Assert.Single(Yaml.List(service.Get("spec", "ports")));
        Assert.Equal("http-metrics", Yaml.At(servicePort, "name"));
        Assert.Equal("http-metrics", Yaml.At(servicePort, "targetPort"));
    }

    [Fact]
    public void Gpu_values_set_the_experiments_defaults()
    {
        var rendered = Rendered.With("gpu-values.yaml");
        var args = rendered.ControllerArgs;
        Assert.Contains("--Controller:Images:Variant=cuda", args);
        Assert.Contains("--Controller:Images:Registry=registry.example.com/ml/pipeline", args);
        Assert.Contains("--Controller:Kafka:BootstrapServers=kafka-0.kafka.kafka:9092,kafka-1.kafka.kafka:9092", args);
        var container = Yaml.List(rendered.Controller.Get("spec", "template", "spec", "containers")).Single();
        Assert.Equal("registry.example.com/ml/pipeline/pipeline-controller:0.1.0", Yaml.At(container, "image"));
        Assert.Equal("registry-credentials", Yaml.At(Yaml.List(rendered.Controller.Get("spec", "template", "spec", "imagePullSecrets")).Single(), "name"));
    }

    [Fact]
    public void Leader_election_follows_the_replica_count_or_the_flag()
    {
        var two = Rendered.With("leader-election-values.yaml");
        Assert.Equal("2", two.Controller.Get("spec", "replicas"));
        Assert.Contains("--Controller:LeaderElection:Enabled=true", two.ControllerArgs);
        Assert.DoesNotContain("--Controller:LeaderElection:Enabled=true", Rendered.With("default-values.yaml").ControllerArgs);
        Assert.Contains("--Controller:LeaderElection:Enabled=true",
            Rendered.With("default-values.yaml", true, "--set", "controller.leaderElection.enabled=true").ControllerArgs);
    }

    private static bool? Bool(object? node) => node is string s ? s == "true" : null;
}
