using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Pipeline.Chart.Tests;

/// <summary>One rendered Kubernetes object, as YamlDotNet reads it (maps, lists and strings).</summary>
internal sealed class Manifest(Dictionary<object, object?> root, string source)
{
    public Dictionary<object, object?> Root { get; } = root;

    /// <summary>The template it came from (helm's "# Source:" line).</summary>
    public string Source { get; } = source;

    public string Kind => Root.GetValueOrDefault("kind") as string ?? "";

    public string Name => Get("metadata", "name") as string ?? "";

    public override string ToString() => $"{Kind}/{Name} ({Source})";

    /// <summary>The value at a path of map keys, or null.</summary>
    public object? Get(params string[] path) => Yaml.At(Root, path);
}

internal static partial class Yaml
{
    public static object? At(object? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not Dictionary<object, object?> map || !map.TryGetValue(key, out node)) return null;
        }
        return node;
    }

    public static IEnumerable<object?> List(object? node) => node as List<object?> ?? [];

    public static IEnumerable<string> Strings(object? node) => List(node).Select(x => x as string ?? "");

    /// <summary>Every document of a multi-document stream; empty ones are dropped, and each must be a map. Each
    /// document is named by the "# Source:" line helm-render writes before it (a raw CRD file may hold several).</summary>
    public static IReadOnlyList<Manifest> Parse(string text)
    {
        var result = new List<Manifest>();
        var chunks = SourceHeader().Split(text);
        // Split with one capture group: [before the first header, source 1, text 1, source 2, text 2, ...]
        AddDocuments(chunks[0], "(no source)", result);
        for (var i = 1; i + 1 < chunks.Length; i += 2) AddDocuments(chunks[i + 1], chunks[i].Trim(), result);
        return result;
    }

    private static void AddDocuments(string text, string source, List<Manifest> into)
    {
        var deserializer = new DeserializerBuilder().Build();
        var parser = new Parser(new StringReader(text));
        parser.Consume<StreamStart>();
        while (parser.Accept<DocumentStart>(out _))
        {
            var doc = deserializer.Deserialize<object?>(parser);
            if (doc is null) continue;
            if (doc is not Dictionary<object, object?> map)
                throw new Xunit.Sdk.XunitException($"{source}: a manifest must be a map, got {doc.GetType().Name}");
            into.Add(new Manifest(map, source));
        }
    }

    [GeneratedRegex(@"^---[ \t]*\r?\n# Source: (.*)$", RegexOptions.Multiline)]
    private static partial Regex SourceHeader();
}
