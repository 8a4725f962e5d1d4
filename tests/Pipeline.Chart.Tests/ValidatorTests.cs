namespace Pipeline.Chart.Tests;

/// <summary>k8s-validate itself: what it rejects, and that each problem names the document and the field.</summary>
public class ValidatorTests
{
    private static readonly string Crd = RepoPaths.InRepo("tests/Pipeline.Chart.Tests/Fixtures/widgets-crd.yaml");

    [Fact]
    public void A_valid_custom_resource_passes()
    {
        var result = Tools.Validate(["--crd", Crd, "-"], """
            apiVersion: example.dev/v1
            kind: Widget
            metadata: { name: w, labels: { a: b } }
            spec: { size: 3, color: red, quantity: 1Gi, note: null, extra: { any: { thing: 1 } }, labels: { x: z } }
            """);
        Assert.True(result.ExitCode == 0, result.Describe());
    }

    [Fact]
    public void Custom_resource_problems_name_the_document_and_the_field()
    {
        var result = Tools.Validate(["--crd", Crd, "-"], """
            apiVersion: example.dev/v1
            kind: Widget
            metadata: { name: w }
            spec: { color: blue, quantity: [1], colour: red, labels: { x: 1 } }
            """);
        Assert.Equal(1, result.ExitCode);
        string[] expected =
        [
            "stdin#0: Widget/w: spec.size: required field is missing",
            "stdin#0: Widget/w: spec.color: must be one of: red, green",
            "stdin#0: Widget/w: spec.colour: unknown field",
            "stdin#0: Widget/w: spec.labels.x: must be string",
        ];
        foreach (var line in expected) Assert.Contains(line, result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Widget/w: spec.quantity", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Built_in_kinds_are_checked_against_the_kubernetes_schemas()
    {
        var result = Tools.Validate(["-"], """
            apiVersion: v1
            kind: Service
            metadata: { name: Bad_Name, labels: { a: "b c" } }
            spec: { ports: [{ port: "eighty" }] }
            """);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Service/Bad_Name: metadata.name:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Service/Bad_Name: metadata.labels.a: invalid label value", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("Service/Bad_Name: spec.ports[0].port: must be integer", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Kinds_without_a_schema_are_errors_except_experiments_without_a_crd()
    {
        const string Docs = """
            apiVersion: example.dev/v1
            kind: Gadget
            metadata: { name: g }
            ---
            apiVersion: pipeline.efficient-reasoning.dev/v1alpha1
            kind: Experiment
            metadata: { name: e }
            """;
        var result = Tools.Validate(["-"], Docs);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("stdin#0: Gadget/g: kind: no schema for example.dev/v1 Gadget", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("Experiment/e", result.Stdout, StringComparison.Ordinal);
        // With a --crd that does not define it, an Experiment is an error too.
        Assert.Contains("Experiment/e: apiVersion: no --crd defines", Tools.Validate(["--crd", Crd, "-"], Docs).Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_errors_and_duplicate_keys_are_reported()
    {
        var result = Tools.Validate(["-"], "apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata: { name: c }\n");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("stdin#0: YAML:", result.Stdout, StringComparison.Ordinal);
    }
}
