namespace Pipeline.Chart.Tests;

/// <summary>The chart rendered with one of its ci/ values files, in namespace <see cref="Namespace"/>.</summary>
internal sealed class Rendered
{
    public const string Namespace = "pipeline-system";
    public const string Release = "pipeline";

    private Rendered(string text, IReadOnlyList<Manifest> manifests, string notes)
    {
        Text = text;
        Manifests = manifests;
        Notes = notes;
    }

    public string Text { get; }
    public IReadOnlyList<Manifest> Manifests { get; }
    public string Notes { get; }

    /// <summary>Every ci/ values file, by file name.</summary>
    public static TheoryData<string> CiValues()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(RepoPaths.InRepo("charts/pipeline/ci"), "*.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    /// <summary>Renders with ci/<paramref name="values"/> (and the prometheus-operator API available unless told
    /// otherwise); fails the test with helm-render's error if it does not render.</summary>
    public static Rendered With(string values, bool monitoringApi = true, params string[] extra)
    {
        var notes = Path.GetTempFileName();
        try
        {
            string[] args = ["-f", RepoPaths.InRepo($"charts/pipeline/ci/{values}"), "--namespace", Namespace, "--release", Release, "--notes", notes, .. extra];
            if (monitoringApi) args = [.. args, "--api-versions", "monitoring.coreos.com/v1"];
            var result = Tools.HelmRender(args);
            Assert.True(result.ExitCode == 0, $"helm-render failed:{Environment.NewLine}{result.Describe()}");
            return new Rendered(result.Stdout, Yaml.Parse(result.Stdout), File.ReadAllText(notes));
        }
        finally
        {
            File.Delete(notes);
        }
    }

    public IEnumerable<Manifest> OfKind(string kind) => Manifests.Where(m => m.Kind == kind);

    public Manifest Single(string kind, string name) =>
        Manifests.SingleOrDefault(m => m.Kind == kind && m.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"no {kind}/{name} among: {string.Join(", ", Manifests)}");

    public Manifest Controller => Single("Deployment", $"{Release}-controller");

    /// <summary>The controller container's arguments.</summary>
    public IReadOnlyList<string> ControllerArgs =>
        Yaml.Strings(Yaml.At(Yaml.List(Controller.Get("spec", "template", "spec", "containers")).First(), "args")).ToList();
}
