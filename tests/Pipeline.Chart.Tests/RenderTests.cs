namespace Pipeline.Chart.Tests;

/// <summary>Every ci/ values file renders, every document is a well-formed object, and the whole output passes the
/// offline schema validation (Kubernetes OpenAPI, prometheus-operator, the Experiment CRD).</summary>
public class RenderTests
{
    public static TheoryData<string> CiValues() => Rendered.CiValues();

    [Theory]
    [MemberData(nameof(CiValues))]
    public void Every_document_has_apiVersion_kind_and_name(string values)
    {
        var rendered = Rendered.With(values);
        Assert.NotEmpty(rendered.Manifests);
        foreach (var m in rendered.Manifests)
        {
            Assert.False(string.IsNullOrEmpty(m.Get("apiVersion") as string), $"{m}: no apiVersion");
            Assert.False(string.IsNullOrEmpty(m.Kind), $"{m}: no kind");
            Assert.False(string.IsNullOrEmpty(m.Name), $"{m}: no metadata.name");
        }
    }

    [Theory]
    [MemberData(nameof(CiValues))]
    public void Output_passes_schema_validation(string values)
    {
        var rendered = Rendered.With(values);
        string[] args = File.Exists(Tools.CrdPath) ? ["--crd", Tools.CrdPath, "-"] : ["-"];
        var result = Tools.Validate(args, rendered.Text);
        Assert.True(result.ExitCode == 0, $"k8s-validate found problems in the chart rendered with ci/{values}:{Environment.NewLine}{result.Describe()}");
    }

    [Fact]
    public void Crds_come_first_unrendered()
    {
        var rendered = Rendered.With("default-values.yaml");
        if (!File.Exists(Tools.CrdPath))
        {
            Assert.DoesNotContain(rendered.Manifests, m => m.Kind == "CustomResourceDefinition");
            return;
        }
        Assert.Equal("CustomResourceDefinition", rendered.Manifests[0].Kind);
        Assert.Contains(File.ReadAllText(Tools.CrdPath).Trim(), rendered.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Notes_say_what_to_do_next()
    {
        var notes = Rendered.With("default-values.yaml").Notes;
        Assert.Contains("kubectl apply", notes, StringComparison.Ordinal);
        Assert.Contains("kubectl get experiments", notes, StringComparison.Ordinal);
        Assert.Contains("/metrics", notes, StringComparison.Ordinal);
        Assert.Contains("pipeline report", notes, StringComparison.Ordinal);
        Assert.DoesNotContain("<no value>", notes, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_image_registry_fails_with_a_clear_message()
    {
        var result = Tools.HelmRender("--set", "image.registry=");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("image.registry is required", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("pipeline/templates/", result.Stderr, StringComparison.Ordinal); // names the template and line
    }

    [Fact]
    public void A_wrong_image_variant_fails_with_a_clear_message()
    {
        var result = Tools.HelmRender("--set", "image.variant=rocm");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("image.variant must be cpu or cuda, got \"rocm\"", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kubernetes_older_than_the_chart_supports_is_refused()
    {
        var result = Tools.HelmRender("--kube-version", "v1.28.5");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("chart requires kubeVersion: >=1.29.0-0", result.Stderr, StringComparison.Ordinal);
    }
}
