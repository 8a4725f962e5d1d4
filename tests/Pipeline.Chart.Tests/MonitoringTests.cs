namespace Pipeline.Chart.Tests;

/// <summary>ServiceMonitors only when asked for and servable; the experiments' one selects what the controller
/// labels its experiment Services with.</summary>
public class MonitoringTests
{
    [Fact]
    public void No_service_monitors_by_default()
    {
        Assert.Empty(Rendered.With("default-values.yaml").OfKind("ServiceMonitor"));
        Assert.Empty(Rendered.With("default-values.yaml").OfKind("ConfigMap"));
    }

    [Fact]
    public void Enabled_service_monitors_need_the_prometheus_operator_api_or_force()
    {
        var without = Rendered.With("metrics-enabled-values.yaml", monitoringApi: false);
        Assert.Empty(without.OfKind("ServiceMonitor"));
        Assert.Contains("monitoring.coreos.com/v1", without.Notes, StringComparison.Ordinal);
        var forced = Rendered.With("metrics-enabled-values.yaml", false, "--set", "metrics.serviceMonitor.force=true");
        Assert.Equal(2, forced.OfKind("ServiceMonitor").Count());
    }

    [Fact]
    public void Controller_service_monitor_scrapes_the_metrics_port()
    {
        var rendered = Rendered.With("metrics-enabled-values.yaml");
        var sm = rendered.Single("ServiceMonitor", "pipeline-controller");
        Assert.Equal("kube-prometheus-stack", sm.Get("metadata", "labels", "release"));
        var endpoint = Assert.Single(Yaml.List(sm.Get("spec", "endpoints")));
        Assert.Equal("http-metrics", Yaml.At(endpoint, "port"));
        Assert.Equal("/metrics", Yaml.At(endpoint, "path"));
        var service = rendered.Single("Service", "pipeline-controller");
        var selector = (Dictionary<object, object?>)sm.Get("spec", "selector", "matchLabels")!;
        foreach (var (k, v) in selector) Assert.Equal(v, service.Get("metadata", "labels", (string)k));
    }

    [Fact]
    public void Experiment_service_monitor_selects_experiment_services_everywhere_or_in_the_namespace()
    {
        var cluster = Rendered.With("metrics-enabled-values.yaml").Single("ServiceMonitor", "pipeline-experiments");
        Assert.Equal("pipeline", cluster.Get("spec", "selector", "matchLabels", "app.kubernetes.io/part-of"));
        Assert.Equal("experiment", cluster.Get("spec", "selector", "matchLabels", "app.kubernetes.io/component"));
        var expression = Assert.Single(Yaml.List(cluster.Get("spec", "selector", "matchExpressions")));
        Assert.Equal("pipeline.efficient-reasoning.dev/experiment", Yaml.At(expression, "key"));
        Assert.Equal("Exists", Yaml.At(expression, "operator"));
        Assert.Equal("true", cluster.Get("spec", "namespaceSelector", "any"));
        Assert.Equal("metrics", Yaml.At(Yaml.List(cluster.Get("spec", "endpoints")).Single(), "port"));

        var namespaced = Rendered.With("namespaced-values.yaml").Single("ServiceMonitor", "pipeline-experiments");
        Assert.Null(namespaced.Get("spec", "namespaceSelector", "any"));
        Assert.Equal([Rendered.Namespace], Yaml.Strings(namespaced.Get("spec", "namespaceSelector", "matchNames")));
    }
}
