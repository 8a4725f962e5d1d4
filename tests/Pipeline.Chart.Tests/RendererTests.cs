namespace Pipeline.Chart.Tests;

/// <summary>
/// helm-render behaves as `helm template --include-crds` does where the chart could notice: values typed as Helm
/// types them (numbers from files are float64, --set integers int64), a null in a values file deletes a default,
/// toYaml/tpl/include/lookup/.Files/.Capabilities/.Template, missing keys print nothing, CRDs come first raw,
/// documents in install order, env is not offered.
/// </summary>
public class RendererTests
{
    private static readonly string Fixture = RepoPaths.InRepo("tests/Pipeline.Chart.Tests/Fixtures/render-chart");

    private static Manifest ConfigMap(out ToolResult result)
    {
        result = Tools.HelmRenderChart(Fixture, "-f", Path.Combine(Fixture, "override.yaml"), "--set", "small=4", "--namespace", "ns", "--release", "rel");
        Assert.True(result.ExitCode == 0, result.Describe());
        return Yaml.Parse(result.Stdout).Single(m => m.Kind == "ConfigMap");
    }

    [Theory]
    [InlineData("big", "1e+06")]                       // Helm reads values through JSON: 1000000 is a float64
    [InlineData("typed", "float64 int64")]             // --set small=4 is an int64
    [InlineData("small", "4")]                         // --set over -f over values.yaml
    [InlineData("dropped", "gone")]                    // null in a values file removes the default
    [InlineData("nested", "a:\n  - x\n  - \"yes\"\nb: 2\n")]  // toYaml: sorted keys, YAML 1.1 booleans quoted
    [InlineData("tpl", "rel-from-tpl")]
    [InlineData("file", "hello from a file")]
    [InlineData("kube", "v1.31.0 1 31")]
    [InlineData("apps", "true")]
    [InlineData("monitoring", "false")]
    [InlineData("chart", "fixture 1.2.3 4.5")]
    [InlineData("release", "rel ns Helm true 1")]
    [InlineData("template", "fixture/templates/a-configmap.yaml fixture/templates")]
    [InlineData("missing", "")]
    [InlineData("lookup", "0")]
    [InlineData("json", "{\"a\":[\"x\"],\"b\":1}")]
    public void Renders_like_helm(string key, string expected)
    {
        var configMap = ConfigMap(out _);
        Assert.Equal("hi-rel", configMap.Name);
        Assert.Equal(expected, configMap.Get("data", key));
    }

    [Fact]
    public void Crds_first_and_raw_then_install_order_and_no_blank_documents()
    {
        ConfigMap(out var result);
        var manifests = Yaml.Parse(result.Stdout);
        Assert.Equal(["CustomResourceDefinition", "ServiceAccount", "ConfigMap"], manifests.Select(m => m.Kind));
        Assert.StartsWith("---\n# Source: fixture/crds/things.yaml\n# raw, {{ not rendered }}\n", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(3, result.Stdout.Split("\n# Source: ").Length - 1);
        Assert.Contains("notes for rel", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Env_is_not_a_template_function()
    {
        var chart = Directory.CreateTempSubdirectory("helm-render-env");
        try
        {
            File.WriteAllText(Path.Combine(chart.FullName, "Chart.yaml"), "apiVersion: v2\nname: envy\nversion: 0.1.0\n");
            Directory.CreateDirectory(Path.Combine(chart.FullName, "templates"));
            File.WriteAllText(Path.Combine(chart.FullName, "templates", "x.yaml"), "a: {{ env \"HOME\" }}\n");
            var result = Tools.HelmRenderChart(chart.FullName);
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("function \"env\" not defined", result.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            chart.Delete(recursive: true);
        }
    }
}
