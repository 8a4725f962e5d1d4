using System.Text.Json.Nodes;

namespace Pipeline.Controller.Tests.FakeApi;

/// <summary>
/// A parsed labelSelector or fieldSelector query string. Label selectors take the equality forms (a=b, a==b,
/// a!=b), existence (a, !a) and the set forms (a in (x,y), a notin (x,y)). Field selectors take a=b, a==b and
/// a!=b where a is a dotted path into the object (metadata.name, metadata.namespace, status.phase, ...).
/// </summary>
public sealed class Selector
{
    private enum Op { Equals, NotEquals, Exists, NotExists, In, NotIn }

    private sealed record Requirement(string Key, Op Op, string[] Values);

    private readonly List<Requirement> _requirements;
    private readonly bool _fields;

    private Selector(List<Requirement> requirements, bool fields) { _requirements = requirements; _fields = fields; }

    public static Selector Everything { get; } = new([], fields: false);

    public bool IsEmpty => _requirements.Count == 0;

    public static Selector ParseLabels(string? text) => Parse(text, fields: false);

    public static Selector ParseFields(string? text) => Parse(text, fields: true);

    public bool Matches(JsonObject obj)
    {
        foreach (var r in _requirements)
        {
            var value = _fields ? FieldValue(obj, r.Key) : LabelValue(obj, r.Key);
            var ok = r.Op switch
            {
                Op.Equals => value == r.Values[0],
                // A missing label or field is "not equal" to any value, as in Kubernetes.
                Op.NotEquals => value != r.Values[0],
                Op.Exists => value is not null,
                Op.NotExists => value is null,
                Op.In => value is not null && r.Values.Contains(value),
                Op.NotIn => value is null || !r.Values.Contains(value),
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }

    private static string? LabelValue(JsonObject obj, string key) =>
        obj["metadata"]?["labels"]?[key]?.GetValue<string>();

    private static string? FieldValue(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var part in path.Split('.'))
        {
            node = node is JsonObject o ? o[part] : null;
            if (node is null) return null;
        }
        return node is JsonValue v ? v.ToString() : node.ToJsonString();
    }

    private static Selector Parse(string? text, bool fields)
    {
        var requirements = new List<Requirement>();
        if (string.IsNullOrWhiteSpace(text)) return new Selector(requirements, fields);
        foreach (var raw in SplitTopLevel(text))
        {
            var term = raw.Trim();
            if (term.Length == 0) continue;
            requirements.Add(ParseTerm(term, fields));
        }
        return new Selector(requirements, fields);
    }

    private static Requirement ParseTerm(string term, bool fields)
    {
        int i;
        if ((i = term.IndexOf("!=", StringComparison.Ordinal)) > 0)
            return new(term[..i].Trim(), Op.NotEquals, [term[(i + 2)..].Trim()]);
        if ((i = term.IndexOf("==", StringComparison.Ordinal)) > 0)
            return new(term[..i].Trim(), Op.Equals, [term[(i + 2)..].Trim()]);
        if ((i = term.IndexOf('=')) > 0)
            return new(term[..i].Trim(), Op.Equals, [term[(i + 1)..].Trim()]);
        if (fields) throw StatusErrors.BadRequest($"invalid field selector term '{term}': expected key=value or key!=value");
        var open = term.IndexOf('(');
        if (open > 0 && term.EndsWith(')'))
        {
            var head = term[..open].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var values = term[(open + 1)..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (head.Length == 2 && head[1] == "in") return new(head[0], Op.In, values);
            if (head.Length == 2 && head[1] == "notin") return new(head[0], Op.NotIn, values);
            throw StatusErrors.BadRequest($"invalid label selector term '{term}'");
        }
        if (term.StartsWith('!')) return new(term[1..].Trim(), Op.NotExists, []);
        if (term.Contains(' ') || term.Contains('<') || term.Contains('>'))
            throw StatusErrors.BadRequest($"unsupported label selector term '{term}'");
        return new(term, Op.Exists, []);
    }

    /// <summary>Splits on commas outside parentheses ("a in (x,y),b=c" is two terms).</summary>
    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '(') depth++;
            else if (text[i] == ')') depth--;
            else if (text[i] == ',' && depth == 0)
            {
                yield return text[start..i];
                start = i + 1;
            }
        }
        yield return text[start..];
    }
}
