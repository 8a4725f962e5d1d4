using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parquet.Serialization;
using Pipeline.Core.Spec;
using Pipeline.Core.Verifiers;

namespace Pipeline.Core.Tasks;

/// <summary>A dataset that cannot be used; the message names the file, the row and the field.</summary>
public sealed class DatasetException(string message) : Exception(message);

/// <summary>
/// Loads problems from JSONL or Parquet files with configurable field names. Defaults: the problem is in
/// <c>problem</c> (else <c>question</c>), the gold answer in <c>answer</c> (else the final answer of
/// <c>solution</c>). Every bad row is reported (up to <see cref="MaxReportedErrors"/>) with file, row and field,
/// in one exception, before anything is used.
/// </summary>
/// <remarks>
/// Control characters: some public files were written by code that let JSON turn the LaTeX commands <c>\frac</c>,
/// <c>\beta</c>, <c>\triangle</c>, <c>\right</c> into form feed, backspace, tab and carriage return followed by the
/// rest of the command (AIME 2025 rows 18, 19, 27). Such a character directly followed by a lower-case letter is
/// restored to a backslash; <see cref="LoadedDataset.RepairedRows"/> counts the rows that needed it.
/// </remarks>
public static class DatasetFile
{
    public const int MaxReportedErrors = 20;

    private static readonly string[] ProblemFallbacks = ["problem", "question"];
    private static readonly string[] AnswerFallbacks = ["answer", "solution"];

    public static LoadedDataset Load(string path, FieldsSpec fields, int? size = null)
    {
        if (!File.Exists(path)) throw new DatasetException($"{path}: no such file");
        var rows = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".jsonl" => ReadJsonl(path),
            ".parquet" => ReadParquet(path),
            var other => throw new DatasetException($"{path}: unsupported extension '{other}'; expected .jsonl or .parquet"),
        };
        return ToProblems(path, rows, fields, size);
    }

    private sealed record Row(int Number, JsonObject? Fields, string? Error);

    private static List<Row> ReadJsonl(string path)
    {
        var rows = new List<Row>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                rows.Add(JsonNode.Parse(line) is JsonObject obj ? new Row(number, obj, null) : new Row(number, null, "expected a JSON object"));
            }
            catch (JsonException e)
            {
                rows.Add(new Row(number, null, $"invalid JSON: {e.Message}"));
            }
        }
        return rows;
    }

    private static List<Row> ReadParquet(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var result = ParquetSerializer.DeserializeUntypedAsync(stream).GetAwaiter().GetResult();
            return result.Data.Select((row, i) => new Row(i + 1, ToJson(row), null)).ToList();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new DatasetException($"{path}: not a readable Parquet file: {e.Message}");
        }
    }

    private static JsonObject ToJson(IDictionary<string, object> row)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in row) obj[key] = value is null ? null : JsonValue.Create(value.ToString());
        return obj;
    }

    private static LoadedDataset ToProblems(string path, List<Row> rows, FieldsSpec fields, int? size)
    {
        var problems = new List<Problem>();
        var errors = new List<string>();
        var repaired = 0;
        var rowWord = path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? "row" : "line";
        foreach (var row in rows)
        {
            if (size is { } n && problems.Count >= n) break;
            var where = $"{path}:{row.Number}";
            if (row.Error is not null)
            {
                errors.Add($"{where}: {row.Error}");
                continue;
            }
            var text = Field(row.Fields!, fields.Problem, ProblemFallbacks, out var problemError);
            var answer = Field(row.Fields!, fields.Answer, AnswerFallbacks, out var answerError);
            foreach (var error in new[] { problemError, answerError }.OfType<string>()) errors.Add($"{where}: {error}");
            if (text is null || answer is null) continue;
            var (clean, fixedIt) = RepairControlCharacters(text);
            repaired += fixedIt ? 1 : 0;
            var id = (row.Fields!["unique_id"] ?? row.Fields["id"])?.ToString() ?? $"{Path.GetFileNameWithoutExtension(path)}-{rowWord}-{row.Number}";
            // A worked solution yields its final box; a plain answer stays as it is.
            problems.Add(new Problem(id, clean, AnswerExtractor.ExtractReference(answer)));
        }
        if (errors.Count > 0)
        {
            var shown = errors.Take(MaxReportedErrors).ToList();
            if (errors.Count > shown.Count) shown.Add($"… and {errors.Count - shown.Count} more");
            throw new DatasetException(string.Join(Environment.NewLine, shown));
        }
        if (problems.Count == 0) throw new DatasetException($"{path}: no problems in the file");
        return new LoadedDataset(path, problems, repaired);
    }

    private static string? Field(JsonObject row, string? configured, string[] fallbacks, out string? error)
    {
        error = null;
        var names = configured is null ? fallbacks : [configured];
        foreach (var name in names)
        {
            switch (row[name])
            {
                case null: continue;
                case JsonValue v when v.TryGetValue<string>(out var s) && s.Trim().Length > 0: return s;
                case JsonValue v when v.GetValueKind() is JsonValueKind.Number: return v.ToJsonString();
                case var other:
                    error = $"field '{name}' must be a non-empty string or a number, got {other.ToJsonString()}";
                    return null;
            }
        }
        var present = string.Join(", ", row.Select(kv => kv.Key));
        error = $"missing field {string.Join(" or ", names.Select(n => $"'{n}'"))} (the row has: {present}); name the field in the spec's data fields, or with pipeline eval --fields";
        return null;
    }

    private static (string Text, bool Repaired) RepairControlCharacters(string text)
    {
        var builder = new StringBuilder(text.Length);
        var repaired = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var letter = c switch { '\f' => 'f', '\b' => 'b', '\t' => 't', '\r' => 'r', _ => '\0' };
            if (letter != '\0' && i + 1 < text.Length && char.IsAsciiLetterLower(text[i + 1]))
            {
                builder.Append('\\').Append(letter);
                repaired = true;
            }
            else
            {
                builder.Append(c);
            }
        }
        return (builder.ToString(), repaired);
    }
}

/// <summary>Problems read from one file, and how many rows needed their control characters repaired.</summary>
public sealed record LoadedDataset(string Path, IReadOnlyList<Problem> Problems, int RepairedRows);
