using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Core.IO;

/// <summary>One line of a JSONL file: its 1-based number and either the parsed object or why it could not be read.</summary>
public sealed record JsonLine(int Number, JsonObject? Value, string? Error);

/// <summary>
/// Reads JSON Lines with line numbers, so every consumer can say <c>file:line: what is wrong</c>.
/// Blank lines are skipped; a line that is not a JSON object is returned with its error, never thrown.
/// </summary>
public static class JsonLines
{
    public static IEnumerable<JsonLine> Read(TextReader reader)
    {
        var number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            yield return Parse(number, line);
        }
    }

    private static JsonLine Parse(int number, string line)
    {
        try
        {
            return JsonNode.Parse(line) is JsonObject obj
                ? new JsonLine(number, obj, null)
                : new JsonLine(number, null, "expected a JSON object");
        }
        catch (JsonException e)
        {
            return new JsonLine(number, null, $"invalid JSON: {e.Message}");
        }
    }

    /// <summary>A required string field; JSON numbers are accepted and kept as their literal text.</summary>
    public static string GetText(JsonObject obj, string field)
    {
        return obj[field] switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonValue v when v.GetValueKind() is JsonValueKind.Number => v.ToJsonString(),
            null => throw new FormatException($"missing field '{field}'"),
            var other => throw new FormatException($"field '{field}' must be a string, got {other.GetValueKind().ToString().ToLowerInvariant()}"),
        };
    }

    public static int GetInt(JsonObject obj, string field)
    {
        return obj[field] switch
        {
            JsonValue v when v.TryGetValue<int>(out var i) => i,
            null => throw new FormatException($"missing field '{field}'"),
            var other => throw new FormatException($"field '{field}' must be an integer, got {other.ToJsonString()}"),
        };
    }

    public static bool GetBool(JsonObject obj, string field, bool? fallback = null)
    {
        return obj[field] switch
        {
            JsonValue v when v.TryGetValue<bool>(out var b) => b,
            null when fallback is { } f => f,
            null => throw new FormatException($"missing field '{field}'"),
            var other => throw new FormatException($"field '{field}' must be true or false, got {other.ToJsonString()}"),
        };
    }

    public static JsonArray GetArray(JsonObject obj, string field)
    {
        return obj[field] switch
        {
            JsonArray a => a,
            null => throw new FormatException($"missing field '{field}'"),
            var other => throw new FormatException($"field '{field}' must be an array, got {other.GetValueKind().ToString().ToLowerInvariant()}"),
        };
    }
}
