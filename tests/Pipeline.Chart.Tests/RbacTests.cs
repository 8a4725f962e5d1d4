namespace Pipeline.Chart.Tests;

/// <summary>
/// The controller's rights, compared as a whole with what it uses, so nobody widens them silently: a rule added to
/// rbac.yaml fails here until this list says why it is needed.
/// </summary>
public class RbacTests
{
    private const string Group = "pipeline.efficient-reasoning.dev";

    /// <summary>(group, resource, verb) the controller's (Cluster)Role grants: exactly what it calls (tests/Shared/ControllerRbac.cs).</summary>
    private static readonly SortedSet<string> ControllerRules = Expand([.. ControllerRbac.Rules]);

    /// <summary>The leader-election lease, always a Role in the release namespace.</summary>
    private static readonly SortedSet<string> LeaseRules = Expand([.. ControllerRbac.LeaseRules]);

    [Fact]
    public void Cluster_mode_grants_exactly_what_the_controller_uses()
    {
        var rendered = Rendered.With("default-values.yaml");
        var role = rendered.Single("ClusterRole", "pipeline-controller");
        Assert.Equal(ControllerRules, RulesOf(role));
        AssertBound(rendered, "ClusterRoleBinding", "ClusterRole", "pipeline-controller");
        AssertLeaseRole(rendered);
        Assert.Single(rendered.OfKind("ClusterRole"));
        Assert.Single(rendered.OfKind("Role"));
    }

    [Fact]
    public void Namespaced_mode_grants_the_same_rules_in_the_release_namespace_only()
    {
        var rendered = Rendered.With("namespaced-values.yaml");
        Assert.Empty(rendered.OfKind("ClusterRole"));
        Assert.Empty(rendered.OfKind("ClusterRoleBinding"));
        var role = rendered.Single("Role", "pipeline-controller");
        Assert.Equal(Rendered.Namespace, role.Get("metadata", "namespace"));
        Assert.Equal(ControllerRules, RulesOf(role));
        AssertBound(rendered, "RoleBinding", "Role", "pipeline-controller");
        AssertLeaseRole(rendered);
        Assert.Contains($"--Controller:Namespace={Rendered.Namespace}", rendered.ControllerArgs);
    }

    [Fact]
    public void Cluster_mode_watches_every_namespace()
    {
        Assert.DoesNotContain(Rendered.With("default-values.yaml").ControllerArgs, a => a.StartsWith("--Controller:Namespace", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(RenderTests.CiValues), MemberType = typeof(RenderTests))]
    public void No_wildcards_anywhere(string values)
    {
        foreach (var role in Rendered.With(values).Manifests.Where(m => m.Kind is "Role" or "ClusterRole"))
        {
            foreach (var rule in Yaml.List(role.Get("rules")))
            {
                foreach (var field in new[] { "apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs" })
                    Assert.DoesNotContain("*", Yaml.Strings(Yaml.At(rule, field)));
            }
            Assert.Null(role.Get("aggregationRule"));
        }
    }

    [Fact]
    public void Without_reading_experiment_secrets_there_is_no_right_on_secrets_and_the_controller_is_told()
    {
        var rendered = Rendered.With("default-values.yaml", true, "--set", "kafka.readExperimentSecrets=false");
        var expected = new SortedSet<string>(ControllerRules.Where(r => r != "|secrets|get"), StringComparer.Ordinal);
        Assert.Equal(ControllerRules.Count - 1, expected.Count);
        Assert.Equal(expected, RulesOf(rendered.Single("ClusterRole", "pipeline-controller")));
        Assert.Contains("--Controller:ReadKafkaSecrets=false", rendered.ControllerArgs);
        Assert.DoesNotContain("--Controller:ReadKafkaSecrets=false", Rendered.With("default-values.yaml").ControllerArgs);
    }

    [Fact]
    public void No_rbac_objects_when_rbac_create_is_false()
    {
        var rendered = Rendered.With("default-values.yaml", true, "--set", "rbac.create=false");
        Assert.DoesNotContain(rendered.Manifests, m => m.Kind.Contains("Role", StringComparison.Ordinal));
    }

    private static void AssertLeaseRole(Rendered rendered)
    {
        var lease = rendered.Single("Role", "pipeline-leader-election");
        Assert.Equal(Rendered.Namespace, lease.Get("metadata", "namespace"));
        Assert.Equal(LeaseRules, RulesOf(lease));
        AssertBound(rendered, "RoleBinding", "Role", "pipeline-leader-election");
    }

    private static void AssertBound(Rendered rendered, string bindingKind, string roleKind, string name)
    {
        var binding = rendered.Single(bindingKind, name);
        Assert.Equal(roleKind, binding.Get("roleRef", "kind"));
        Assert.Equal(name, binding.Get("roleRef", "name"));
        var subject = Assert.Single(Yaml.List(binding.Get("subjects")));
        Assert.Equal("ServiceAccount", Yaml.At(subject, "kind"));
        Assert.Equal(rendered.Controller.Get("spec", "template", "spec", "serviceAccountName"), Yaml.At(subject, "name"));
        Assert.Equal(Rendered.Namespace, Yaml.At(subject, "namespace"));
    }

    private static SortedSet<string> RulesOf(Manifest role)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var rule in Yaml.List(role.Get("rules")))
        {
            foreach (var g in Yaml.Strings(Yaml.At(rule, "apiGroups")))
            foreach (var r in Yaml.Strings(Yaml.At(rule, "resources")))
            foreach (var v in Yaml.Strings(Yaml.At(rule, "verbs")))
                Assert.True(set.Add($"{g}|{r}|{v}"), $"{role}: {g}/{r} {v} granted twice");
        }
        return set;
    }

    private static SortedSet<string> Expand(params (string Group, string[] Resources, string[] Verbs)[] rules) =>
        new(rules.SelectMany(r => r.Resources.SelectMany(res => r.Verbs.Select(v => $"{r.Group}|{res}|{v}"))), StringComparer.Ordinal);
}
