using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Core.Spec;

/// <summary>The outcome of loading a spec: the document (when it could be read at all) and every problem found.</summary>
public sealed record SpecLoadResult(ExperimentDocument? Document, IReadOnlyList<SpecError> Errors)
{
    public bool IsValid => Document is not null && Errors.Count == 0;

    /// <summary>The valid document, or a <see cref="SpecException"/> listing every problem.</summary>
    public ExperimentDocument GetValidOrThrow(string source) =>
        IsValid ? Document! : throw new SpecException(source, Errors);
}

/// <summary>
/// Reads an Experiment document from YAML: syntax (with line and column), binding (unknown fields, wrong types)
/// and semantic validation (<see cref="SpecValidator"/>), reporting all problems at once.
/// </summary>
public static class SpecLoader
{
    public static SpecLoadResult LoadFile(string path)
    {
        if (!File.Exists(path))
            return new SpecLoadResult(null, [new SpecError("", $"{path}: no such file")]);
        return Load(File.ReadAllText(path));
    }

    public static SpecLoadResult Load(string yaml)
    {
        var root = ParseSingleDocument(yaml, "an Experiment", out var syntaxError);
        if (root is null) return new SpecLoadResult(null, [syntaxError!]);

        var binder = new YamlSpecBinder();
        var document = binder.Bind<ExperimentDocument>(root, "");
        var semantic = SpecValidator.Validate(document).Select(e => WithLine(e, binder.Marks));
        // In file order, so the list reads top to bottom like the spec; problems without a line come last.
        var errors = binder.Errors.Concat(semantic).OrderBy(e => e.Line ?? int.MaxValue).ThenBy(e => e.Column ?? 0);
        return new SpecLoadResult(document, [.. errors]);
    }

    /// <summary>The root node of the one YAML document in <paramref name="yaml"/>, or null with the syntax problem.</summary>
    /// <param name="expected">What the document should hold, for the message (e.g. "an Experiment").</param>
    internal static YamlNode? ParseSingleDocument(string yaml, string expected, out SpecError? error)
    {
        error = null;
        YamlStream stream = new();
        var parser = new Parser(new StringReader(yaml));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            var reason = (e.InnerException?.Message ?? e.Message).Trim();
            error = new SpecError("", $"YAML syntax error: {reason}", (int)e.Start.Line, (int)e.Start.Column);
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up without a position on some unterminated flow collections; the last
            // event it parsed is where the document stops making sense.
            var mark = parser.Current?.End ?? Mark.Empty;
            error = new SpecError("", "YAML syntax error: unterminated flow collection ('{' or '[' without its closing bracket) after this point", (int)mark.Line, (int)mark.Column);
            return null;
        }
        if (stream.Documents.Count != 1)
        {
            var found = stream.Documents.Count == 0 ? "an empty file" : $"{stream.Documents.Count} documents";
            error = new SpecError("", $"expected one YAML document with {expected}, found {found}");
            return null;
        }
        return stream.Documents[0].RootNode;
    }

    // Semantic errors are found on the bound objects; give them the line of the field (or its nearest parent).
    internal static SpecError WithLine(SpecError error, Dictionary<string, Mark> marks)
    {
        for (var path = error.Path; path.Length > 0; path = Parent(path))
        {
            if (marks.TryGetValue(path, out var mark)) return error with { Line = (int)mark.Line, Column = (int)mark.Column };
        }
        return error;
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut < 0 ? "" : path[..cut];
    }
}
