using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.FileSystemGlobbing;

namespace Pipeline.Services.Tests;

/// <summary>
/// The service images, checked without a Docker engine: every services/*/Dockerfile is parsed (a small line parser,
/// <see cref="Dockerfile"/>) and held to the rules in docs/images.md.
/// </summary>
public sealed class DockerfileTests
{
    public static readonly string[] Services = ["rollout", "reward", "learner", "evaluator", "controller"];
    private static readonly string[] ModelServices = ["rollout", "learner", "evaluator"];

    public static TheoryData<string> AllServices() => new(Services);

    private static Dockerfile Load(string service) => Dockerfile.Parse(File.ReadAllText(DockerfilePath(service)));

    private static string DockerfilePath(string service) => RepoPaths.InRepo(Path.Combine("services", service, "Dockerfile"));

    [Theory]
    [MemberData(nameof(AllServices))]
    public void Dockerfile_is_the_template_rendered_for_the_service(string service)
    {
        var template = File.ReadAllText(RepoPaths.InRepo("docker/service.Dockerfile.template"));
        var expected = template.Replace("{{SERVICE}}", service, StringComparison.Ordinal);
        if (!ModelServices.Contains(service))
            expected = string.Concat(expected.Split('\n').Where(l => !l.StartsWith("COPY models/", StringComparison.Ordinal)).Select(l => l + "\n"))[..^1];
        Assert.True(expected == File.ReadAllText(DockerfilePath(service)),
            $"services/{service}/Dockerfile differs from docker/service.Dockerfile.template: run docker/render.sh");
    }

    [Theory]
    [MemberData(nameof(AllServices))]
    public void Final_stage_runs_as_a_numeric_non_root_user(string service)
    {
        var final = Load(service).Resolve(Variant("cpu")).Stages[^1];
        var user = Assert.Single(final.All("USER")).Arguments;
        var match = Regex.Match(user, @"^(\d+)(?::(\d+))?$");
        Assert.True(match.Success, $"USER {user}: must be numeric (uid[:gid]) so runAsNonRoot can verify it");
        Assert.NotEqual("0", match.Groups[1].Value);
        if (match.Groups[2].Success) Assert.NotEqual("0", match.Groups[2].Value);
    }

    [Theory]
    [MemberData(nameof(AllServices))]
    public void Entrypoint_is_the_apphost_of_the_project_it_publishes(string service)
    {
        var file = Load(service).Resolve(Variant("cpu"));
        var publish = Assert.Single(file.Stages.SelectMany(s => s.All("RUN")), r => r.Arguments.Contains("dotnet publish", StringComparison.Ordinal));
        Assert.Matches($@"dotnet publish services/{service} .*-o /app\b", publish.Arguments);
        var entrypoint = JsonSerializer.Deserialize<string[]>(Assert.Single(file.Stages[^1].All("ENTRYPOINT")).Arguments);
        Assert.NotNull(entrypoint);
        Assert.Equal("/app/" + AssemblyName(service), entrypoint[0]);
    }

    [Theory]
    [MemberData(nameof(AllServices))]
    public void Every_copied_path_exists_and_is_in_the_build_context(string service)
    {
        var ignore = DockerIgnore.Load(RepoPaths.InRepo(".dockerignore"));
        foreach (var variant in new[] { "cpu", "cuda" })
        {
            foreach (var copy in Load(service).Resolve(Variant(variant)).Stages.SelectMany(s => s.All("COPY")))
            {
                var words = copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (words.Any(w => w.StartsWith("--from=", StringComparison.Ordinal))) continue; // another stage or image
                foreach (var source in words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).SkipLast(1))
                {
                    var matches = Expand(source);
                    // The controller's project is written on another branch; its Dockerfile assumes services/controller/*.csproj.
                    if (matches.Count == 0 && service == "controller" && source.StartsWith("services/controller/", StringComparison.Ordinal)) continue;
                    Assert.True(matches.Count > 0, $"services/{service}/Dockerfile: COPY {source}: nothing in the repository");
                    // A folder may hold build outputs that .dockerignore keeps out; what it names itself must stay in.
                    if (Directory.Exists(RepoPaths.InRepo(source.TrimEnd('/'))))
                    {
                        Assert.False(ignore.Excludes(source.TrimEnd('/')), $"services/{service}/Dockerfile: COPY {source}: excluded by .dockerignore");
                        Assert.Contains(matches, path => !ignore.Excludes(path));
                    }
                    else
                    {
                        foreach (var path in matches)
                            Assert.False(ignore.Excludes(path), $"services/{service}/Dockerfile: COPY {source}: {path} is excluded by .dockerignore");
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllServices))]
    public void Base_images_are_pinned_to_a_tag_and_share_one_distro(string service)
    {
        foreach (var variant in new[] { "cpu", "cuda" })
        {
            var file = Load(service).Resolve(Variant(variant));
            var images = file.ExternalImages().ToList();
            Assert.NotEmpty(images);
            foreach (var image in images)
            {
                var name = image.Split('@')[0];
                var lastSegment = name[(name.LastIndexOf('/') + 1)..];
                Assert.True(lastSegment.Contains(':', StringComparison.Ordinal) || image.Contains('@', StringComparison.Ordinal), $"{image}: not pinned to a tag");
                Assert.False(lastSegment.EndsWith(":latest", StringComparison.Ordinal), $"{image}: 'latest' is not a pin");
                // libstdc++: TorchSharp needs GLIBCXX_3.4.32; build and runtime both on Ubuntu 24.04 (see docs/images.md).
                Assert.True(image.Contains("noble", StringComparison.Ordinal) || image.Contains("ubuntu24.04", StringComparison.Ordinal),
                    $"{image}: every stage should be Ubuntu 24.04 (noble), whose libstdc++ has GLIBCXX_3.4.32");
            }
        }
    }

    [Theory]
    [InlineData("cpu", "mcr.microsoft.com/dotnet/aspnet:")]
    [InlineData("cuda", "nvidia/cuda:")]
    public void Variant_selects_the_torch_backend_and_the_runtime_base(string variant, string runtimeImage)
    {
        foreach (var service in ModelServices)
        {
            var file = Load(service).Resolve(Variant(variant));
            var dotnet = file.Stages.SelectMany(s => s.All("RUN")).Where(r => Regex.IsMatch(r.Arguments, @"dotnet (restore|publish)")).ToList();
            Assert.Equal(2, dotnet.Count);
            Assert.All(dotnet, r => Assert.Contains($"-p:TorchBackend={variant}", r.Arguments, StringComparison.Ordinal));
            Assert.StartsWith(runtimeImage, file.BaseImageOf(file.Stages[^1]), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Default_variant_is_cpu()
    {
        var file = Load("reward").Resolve(new Dictionary<string, string>());
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", file.BaseImageOf(file.Stages[^1]), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllServices))]
    public void Only_the_model_services_ship_the_tiny_model(string service)
    {
        var final = Load(service).Resolve(Variant("cpu")).Stages[^1];
        var shipsModel = final.All("COPY").Any(c => c.Arguments == "models/tiny-reasoner /opt/pipeline/models/tiny-reasoner");
        Assert.Equal(ModelServices.Contains(service), shipsModel);
        if (shipsModel) Assert.True(File.Exists(RepoPaths.InRepo("models/tiny-reasoner/config.json")));
    }

    [Fact]
    public void Restore_layer_copies_every_library_project()
    {
        var copied = Load("rollout").Resolve(Variant("cpu")).Stages[0].All("COPY").Select(c => c.Arguments.Split(' ')[0]).ToHashSet();
        foreach (var csproj in Directory.GetFiles(RepoPaths.InRepo("libs"), "*.csproj", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RepoPaths.Root, csproj).Replace('\\', '/');
            Assert.True(copied.Contains(relative), $"{relative} is not copied before `dotnet restore` in docker/service.Dockerfile.template");
        }
    }

    [Fact]
    public void Dockerignore_keeps_build_outputs_out_of_the_context()
    {
        var ignore = DockerIgnore.Load(RepoPaths.InRepo(".dockerignore"));
        Assert.True(ignore.Excludes("libs/Pipeline.Core/bin/Release/net10.0/Pipeline.Core.dll"));
        Assert.True(ignore.Excludes("services/rollout/obj/project.assets.json"));
        Assert.True(ignore.Excludes("bin/pipeline"));
        Assert.True(ignore.Excludes("runs/quickstart/metrics.jsonl"));
        Assert.True(ignore.Excludes("models/qwen3-8b/model.safetensors"));
        Assert.False(ignore.Excludes("models/tiny-reasoner/model.safetensors"));
        Assert.False(ignore.Excludes("libs/Pipeline.Core/Pipeline.Core.csproj"));
    }

    [Fact]
    public void Parser_joins_continuation_lines_and_skips_comments()
    {
        var file = Dockerfile.Parse("ARG V=a\nFROM img:${V} AS one\n# comment\nRUN echo 1 \\\n    # inside\n    && echo 2\nENV A=1 \\\n    B=2\nFROM one\nUSER 1:1\n");
        var resolved = file.Resolve(new Dictionary<string, string>());
        Assert.Equal(2, resolved.Stages.Count);
        Assert.Equal("img:a", resolved.BaseImageOf(resolved.Stages[1]));
        Assert.Equal("echo 1 && echo 2", resolved.Stages[0].All("RUN").Single().Arguments);
        Assert.Equal("A=1 B=2", resolved.Stages[0].All("ENV").Single().Arguments);
        Assert.Equal("img:b", Dockerfile.Parse("ARG V=a\nFROM img:$V\n").Resolve(Variant("b", "V")).BaseImageOf(0));
    }

    private static Dictionary<string, string> Variant(string value, string name = "VARIANT") => new() { [name] = value };

    private static List<string> Expand(string source)
    {
        var path = source.TrimEnd('/');
        if (!path.Contains('*', StringComparison.Ordinal))
        {
            var full = RepoPaths.InRepo(path);
            if (File.Exists(full)) return [path];
            if (!Directory.Exists(full)) return [];
            return Directory.GetFiles(full, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(RepoPaths.Root, f).Replace('\\', '/')).ToList();
        }
        var matcher = new Matcher();
        matcher.AddInclude(path);
        return matcher.GetResultsInFullPath(RepoPaths.Root).Select(f => Path.GetRelativePath(RepoPaths.Root, f).Replace('\\', '/')).ToList();
    }

    private static string AssemblyName(string service)
    {
        var folder = RepoPaths.InRepo(Path.Combine("services", service));
        var csproj = Directory.GetFiles(folder, "*.csproj").SingleOrDefault();
        // The controller project lands from another branch (services/controller/Pipeline.Services.Controller.csproj,
        // AssemblyName pipeline-controller); until then its Dockerfile is held to that name.
        if (csproj is null && service == "controller") return "pipeline-controller";
        Assert.NotNull(csproj);
        var name = XDocument.Load(csproj).Descendants("AssemblyName").Select(e => e.Value.Trim()).SingleOrDefault();
        return name ?? Path.GetFileNameWithoutExtension(csproj);
    }
}

/// <summary>
/// Just enough of the Dockerfile format for these checks: instructions with continuation lines joined, comment lines
/// dropped (also inside a continuation, as Docker does), stages, and ARG substitution (${X} and $X).
/// </summary>
internal sealed partial class Dockerfile
{
    public sealed record Instruction(string Keyword, string Arguments);

    public sealed class Stage(string from, string? name)
    {
        public string From { get; } = from;
        public string? Name { get; } = name;
        public List<Instruction> Instructions { get; } = [];
        public IEnumerable<Instruction> All(string keyword) => Instructions.Where(i => i.Keyword == keyword);
    }

    public List<Instruction> Global { get; } = [];
    public List<Stage> Stages { get; } = [];

    public static Dockerfile Parse(string text)
    {
        var file = new Dockerfile();
        foreach (var (keyword, arguments) in Instructions(text))
        {
            if (keyword == "FROM")
            {
                var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(p => !p.StartsWith("--", StringComparison.Ordinal)).ToArray();
                file.Stages.Add(new Stage(parts[0], parts.Length >= 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[2] : null));
            }
            else if (file.Stages.Count == 0) file.Global.Add(new Instruction(keyword, arguments));
            else file.Stages[^1].Instructions.Add(new Instruction(keyword, arguments));
        }
        return file;
    }

    private static IEnumerable<(string Keyword, string Arguments)> Instructions(string text)
    {
        var pending = new List<string>();
        foreach (var raw in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue; // comments, parser directives, blank lines
            var continues = line.EndsWith('\\');
            pending.Add(continues ? line[..^1].Trim() : line);
            if (continues) continue;
            var joined = string.Join(' ', pending.Where(p => p.Length > 0));
            pending.Clear();
            var space = joined.IndexOf(' ', StringComparison.Ordinal);
            yield return space < 0 ? (joined.ToUpperInvariant(), "") : (joined[..space].ToUpperInvariant(), joined[(space + 1)..].Trim());
        }
        if (pending.Count > 0) throw new FormatException("the Dockerfile ends inside a continuation line");
    }

    /// <summary>The file with build arguments substituted: ARG defaults, overridden by <paramref name="buildArgs"/>.</summary>
    public Dockerfile Resolve(IReadOnlyDictionary<string, string> buildArgs)
    {
        var global = Declare(Global, buildArgs, new Dictionary<string, string>());
        var resolved = new Dockerfile();
        resolved.Global.AddRange(Global);
        foreach (var stage in Stages)
        {
            var scope = new Dictionary<string, string>();
            var copy = new Stage(Substitute(stage.From, global), stage.Name);
            foreach (var instruction in stage.Instructions)
            {
                if (instruction.Keyword == "ARG")
                {
                    var (name, value) = SplitArg(instruction.Arguments);
                    scope[name] = buildArgs.TryGetValue(name, out var given) ? given : value ?? global.GetValueOrDefault(name, "");
                }
                copy.Instructions.Add(instruction with { Arguments = Substitute(instruction.Arguments, scope) });
            }
            resolved.Stages.Add(copy);
        }
        return resolved;
    }

    /// <summary>The image a stage ultimately starts from, following FROM of earlier stages.</summary>
    public string BaseImageOf(Stage stage)
    {
        var from = stage.From;
        for (var named = Stages.FirstOrDefault(s => s.Name == from); named is not null && named != stage; named = Stages.FirstOrDefault(s => s.Name == from))
        {
            from = named.From;
            stage = named;
        }
        return from;
    }

    public string BaseImageOf(int stage) => BaseImageOf(Stages[stage]);

    /// <summary>Every image pulled from a registry: FROM lines and COPY --from= that do not name a stage.</summary>
    public IEnumerable<string> ExternalImages()
    {
        var names = Stages.Select(s => s.Name).OfType<string>().ToHashSet();
        foreach (var stage in Stages)
        {
            if (!names.Contains(stage.From)) yield return stage.From;
            foreach (var copy in stage.All("COPY"))
            {
                var from = copy.Arguments.Split(' ').FirstOrDefault(w => w.StartsWith("--from=", StringComparison.Ordinal))?["--from=".Length..];
                if (from is not null && !names.Contains(from) && !int.TryParse(from, out _)) yield return from;
            }
        }
    }

    private static Dictionary<string, string> Declare(IEnumerable<Instruction> instructions, IReadOnlyDictionary<string, string> buildArgs, Dictionary<string, string> scope)
    {
        foreach (var instruction in instructions.Where(i => i.Keyword == "ARG"))
        {
            var (name, value) = SplitArg(instruction.Arguments);
            scope[name] = buildArgs.TryGetValue(name, out var given) ? given : value ?? "";
        }
        return scope;
    }

    private static (string Name, string? Value) SplitArg(string arguments)
    {
        var equals = arguments.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (arguments.Trim(), null) : (arguments[..equals].Trim(), arguments[(equals + 1)..].Trim().Trim('"'));
    }

    private static string Substitute(string text, IReadOnlyDictionary<string, string> values) =>
        Variable().Replace(text, m =>
        {
            var name = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
            return values.TryGetValue(name, out var value) ? value : m.Value;
        });

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Variable();
}

/// <summary>.dockerignore patterns through Microsoft.Extensions.FileSystemGlobbing: a pattern excludes what it
/// names and everything below it; a <c>!pattern</c> line takes it back.</summary>
internal sealed class DockerIgnore
{
    private readonly Matcher _matcher = new();

    public static DockerIgnore Load(string path)
    {
        var ignore = new DockerIgnore();
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var negated = line.StartsWith('!');
            var pattern = line.TrimStart('!').Trim('/');
            if (negated) ignore._matcher.AddExcludePatterns([pattern, pattern + "/**"]);
            else ignore._matcher.AddIncludePatterns([pattern, pattern + "/**"]);
        }
        return ignore;
    }

    public bool Excludes(string relativePath) => _matcher.Match(relativePath).HasMatches;
}
