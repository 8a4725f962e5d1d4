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
        YamlStream stream = new();
        var parser = new Parser(new StringReader(yaml));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            var reason = (e.InnerException?.Message ?? e.Message).Trim();
            return new SpecLoadResult(null, [new SpecError("", $"YAML syntax error: {reason}", (int)e.Start.Line, (int)e.Start.Column)]);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up without a position on some unterminated flow collections; the last
            // event it parsed is where the document stops making sense.
            var mark = parser.Current?.End ?? Mark.Empty;
            return new SpecLoadResult(null, [new SpecError("", "YAML syntax error: unterminated flow collection ('{' or '[' without its closing bracket) after this point", (int)mark.Line, (int)mark.Column)]);
        }
        if (stream.Documents.Count != 1)
        {
            var found = stream.Documents.Count == 0 ? "an empty file" : $"{stream.Documents.Count} documents";
            return new SpecLoadResult(null, [new SpecError("", $"expected one YAML document with an Experiment, found {found}")]);
        }

        var binder = new YamlSpecBinder();
        var document = binder.Bind<ExperimentDocument>(stream.Documents[0].RootNode, "");
        var semantic = SpecValidator.Validate(document).Select(e => WithLine(e, binder.Marks));
        // In file order, so the list reads top to bottom like the spec; problems without a line come last.
        var errors = binder.Errors.Concat(semantic).OrderBy(e => e.Line ?? int.MaxValue).ThenBy(e => e.Column ?? 0);
        return new SpecLoadResult(document, [.. errors]);
    }

    // Semantic errors are found on the bound objects; give them the line of the field (or its nearest parent).
    private static SpecError WithLine(SpecError error, Dictionary<string, Mark> marks)
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
