using System.Reflection;
using System.Runtime.Serialization;

namespace Pipeline.Core.Spec;

/// <summary>The spec spelling of enum values (their [EnumMember] value) and "did you mean" suggestions.</summary>
public static class EnumNames
{
    /// <summary>The spec spelling of <paramref name="value"/>, e.g. <c>dr-grpo</c>.</summary>
    public static string Name<T>(T value) where T : struct, Enum => Name(typeof(T), value);

    public static string Name(Type enumType, object value)
    {
        var field = enumType.GetField(value.ToString()!, BindingFlags.Public | BindingFlags.Static);
        return field?.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? value.ToString()!;
    }

    /// <summary>Every accepted spelling, in declaration order.</summary>
    public static IReadOnlyList<string> All(Type enumType) =>
        enumType.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => f.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? f.Name)
            .ToList();

    public static bool TryParse(Type enumType, string text, out object? value)
    {
        foreach (var field in enumType.GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var name = field.GetCustomAttribute<EnumMemberAttribute>()?.Value ?? field.Name;
            if (name == text)
            {
                value = field.GetValue(null);
                return true;
            }
        }
        value = null;
        return false;
    }

    public static bool TryParse<T>(string text, out T value) where T : struct, Enum
    {
        var ok = TryParse(typeof(T), text, out var boxed);
        value = ok ? (T)boxed! : default;
        return ok;
    }

    /// <summary>The closest candidate within a small edit distance (case-insensitive), or null.</summary>
    public static string? Suggest(string text, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var d = EditDistance(text.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance)
            {
                bestDistance = d;
                best = candidate;
            }
        }
        var allowed = Math.Max(1, Math.Min(3, text.Length / 3));
        return bestDistance <= allowed ? best : null;
    }

    // Levenshtein distance; small strings only (field and enum names).
    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
