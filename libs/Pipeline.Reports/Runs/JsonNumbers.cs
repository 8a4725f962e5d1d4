using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Reports.Runs;

/// <summary>Optional numeric fields of the run's JSON lines: absent or null is null; anything else must be a number.</summary>
internal static class JsonNumbers
{
    public static double? Optional(JsonObject obj, string field) => obj[field] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.Number => v.GetValue<double>(),
        var other => throw new FormatException($"field '{field}' must be a number or null, got {other.ToJsonString()}"),
    };
}
