using System.Globalization;
using System.Text.Json.Nodes;
using Pipeline.Core.IO;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Reports.Runs;

/// <summary>
/// What a report reads from a run folder written by <c>pipeline run</c>: the run's name (<c>metadata.name</c> of
/// <c>spec.yaml</c>, else the folder's name), <c>metrics.jsonl</c> (one line per training step; absent in the
/// evaluation-only folders that <c>pipeline eval</c> writes), <c>eval.jsonl</c> (absent when the run evaluates
/// nothing; at least one of the two is required) and, on demand, <c>eval/step-N-SET.json</c>.
/// Only files are read, so a report never needs the model or torch. A missing or malformed file throws
/// <see cref="FileNotFoundException"/> or <see cref="InvalidDataException"/> with the file (and line) in the message.
/// </summary>
public sealed class RunFolder
{
    private RunFolder(string path, string name, IReadOnlyList<TrainingStep> metrics, IReadOnlyList<EvalLine> evaluations)
    {
        Path = path;
        Name = name;
        Metrics = metrics;
        Evaluations = evaluations;
    }

    public string Path { get; }

    /// <summary><c>metadata.name</c> of the run's spec; the folder's name when there is no spec.</summary>
    public string Name { get; }

    /// <summary>The training steps, in file order.</summary>
    public IReadOnlyList<TrainingStep> Metrics { get; }

    /// <summary>Every evaluation line, in file order (empty when the run has no evaluation sets).</summary>
    public IReadOnlyList<EvalLine> Evaluations { get; }

    public static RunFolder Load(string path)
    {
        var full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(path));
        if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"run folder not found: {path}");
        var metricsPath = System.IO.Path.Combine(full, "metrics.jsonl");
        var evalPath = System.IO.Path.Combine(full, "eval.jsonl");
        if (!File.Exists(metricsPath) && !File.Exists(evalPath))
            throw new FileNotFoundException($"{metricsPath}: not found, nor eval.jsonl (is {path} a run folder or a pipeline eval output?)", metricsPath);
        IReadOnlyList<TrainingStep> metrics = File.Exists(metricsPath) ? ReadLines(metricsPath, ReadStep) : [];
        if (File.Exists(metricsPath) && metrics.Count == 0) throw new InvalidDataException($"{metricsPath}: no training steps");
        return new RunFolder(full, ReadName(full), metrics, ReadEvaluations(evalPath));
    }

    /// <summary>The lines of an <c>eval.jsonl</c>; none when the file does not exist (a run without evaluation sets).</summary>
    public static IReadOnlyList<EvalLine> ReadEvaluations(string path) =>
        File.Exists(path) ? ReadLines(path, (line, _) => EvalLine.FromJson(line)) : [];

    /// <summary>Path of the per-sample file of one evaluation, whether or not it exists.</summary>
    public string SamplesPath(int step, string dataset) => System.IO.Path.Combine(Path, "eval", string.Create(CultureInfo.InvariantCulture, $"step-{step}-{dataset}.json"));

    /// <summary>The per-sample results of one evaluation; null when the file is not there.</summary>
    public EvalSamples? LoadSamples(int step, string dataset)
    {
        var file = SamplesPath(step, dataset);
        return File.Exists(file) ? EvalSamples.Load(file, step, dataset) : null;
    }

    private static List<T> ReadLines<T>(string path, Func<JsonObject, int, T> read)
    {
        using var reader = File.OpenText(path);
        var items = new List<T>();
        foreach (var line in JsonLines.Read(reader))
        {
            if (line.Value is null) throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}:{line.Number}: {line.Error}"));
            try
            {
                items.Add(read(line.Value, line.Number));
            }
            catch (FormatException e)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{path}:{line.Number}: {e.Message}"), e);
            }
        }
        return items;
    }

    private static TrainingStep ReadStep(JsonObject line, int number)
    {
        var values = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (var (key, value) in line)
        {
            // Non-numeric fields (none today) are not metrics; skipping them keeps old reports readable.
            if (value is null) values[key] = null;
            else if (value is JsonValue v && v.GetValueKind() is System.Text.Json.JsonValueKind.Number) values[key] = v.GetValue<double>();
        }
        return new TrainingStep(JsonLines.GetInt(line, "step"), values);
    }

    private static string ReadName(string folder)
    {
        var fallback = System.IO.Path.GetFileName(folder);
        var specPath = System.IO.Path.Combine(folder, "spec.yaml");
        if (!File.Exists(specPath)) return fallback;
        try
        {
            var yaml = new YamlStream();
            using (var reader = File.OpenText(specPath)) yaml.Load(reader);
            return yaml.Documents.Count > 0
                && yaml.Documents[0].RootNode is YamlMappingNode root
                && root.Children.TryGetValue(new YamlScalarNode("metadata"), out var metadata)
                && metadata is YamlMappingNode meta
                && meta.Children.TryGetValue(new YamlScalarNode("name"), out var name)
                && name is YamlScalarNode { Value: { Length: > 0 } text }
                ? text
                : fallback;
        }
        catch (YamlException e)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{specPath}: line {e.Start.Line}: {e.Message}"), e);
        }
    }
}
