// Typed access to one JSON file with errors that name the file and the field (`model.vocab`,
// `added_tokens[3].id`), so a broken tokenizer folder tells the user exactly what to fix.
using System.Text.Json;

namespace Pipeline.Model.Tokenization;

internal sealed class JsonFile(string path)
{
    public string Path { get; } = path;

    /// <summary>Parses the file; a missing file or broken JSON is an error naming the path.</summary>
    public static JsonDocument Parse(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{System.IO.Path.GetFileName(path)} not found: {path}", path);
        try
        {
            using var stream = File.OpenRead(path);
            var document = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 256 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new InvalidDataException($"{path}: the top level must be a JSON object");
            }
            return document;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid JSON ({e.Message})", e);
        }
    }

    public InvalidDataException Invalid(string field, string problem) => new($"{Path}: {field} {problem}");

    public NotSupportedException Unsupported(string field, string value) =>
        new($"{Path}: {field} = {value} is not supported by QwenTokenizer");

    public JsonElement RequiredObject(JsonElement parent, string field) => Required(parent, field, JsonValueKind.Object, "an object");

    public JsonElement RequiredArray(JsonElement parent, string field) => Required(parent, field, JsonValueKind.Array, "an array");

    public string RequiredString(JsonElement parent, string field) => Required(parent, field, JsonValueKind.String, "a string").GetString()!;

    public int RequiredInt(JsonElement parent, string field)
    {
        var value = Required(parent, field, JsonValueKind.Number, "an integer");
        return value.TryGetInt32(out var i) && i >= 0 ? i : throw Invalid(field, $"must be a non-negative integer, got {value.GetRawText()}");
    }

    public string? OptionalString(JsonElement parent, string field) =>
        Optional(parent, field) is { } value
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : throw Invalid(field, $"must be a string, got {value.GetRawText()}")
            : null;

    public bool? OptionalBool(JsonElement parent, string field) =>
        Optional(parent, field) is { } value
            ? value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw Invalid(field, $"must be true or false, got {value.GetRawText()}")
            : null;

    /// <summary>The member named by the last segment of <paramref name="field"/>; null when absent or JSON null.</summary>
    public JsonElement? Optional(JsonElement parent, string field)
    {
        if (parent.ValueKind != JsonValueKind.Object) throw Invalid(ParentOf(field), "must be an object");
        return parent.TryGetProperty(LastSegment(field), out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
    }

    private JsonElement Required(JsonElement parent, string field, JsonValueKind kind, string description)
    {
        var value = Optional(parent, field) ?? throw Invalid(field, "is missing");
        return value.ValueKind == kind ? value : throw Invalid(field, $"must be {description}, got {value.ValueKind}");
    }

    private static string LastSegment(string field) => field[(field.LastIndexOf('.') + 1)..];

    private static string ParentOf(string field) => field.LastIndexOf('.') is var dot and > 0 ? field[..dot] : "(top level)";
}
