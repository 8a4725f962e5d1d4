using System.ComponentModel;
using System.Reflection;
using System.Text;

namespace Pipeline.Core.Spec;

/// <summary>One documented field of the spec: its path, YAML type and description (which states the default).</summary>
public sealed record SpecField(string Path, string Type, string Description);

/// <summary>
/// The spec's reference documentation, generated from the types' [Description] attributes so it never drifts from
/// the code: <c>pipeline explain [PATH]</c> prints it and docs/experiment-spec.md is this output (a test checks).
/// </summary>
public static class SpecReference
{
    public static IReadOnlyList<SpecField> Fields { get; } = Walk(typeof(ExperimentDocument), "").ToList();

    /// <summary>Fields at or under <paramref name="path"/> (e.g. <c>spec.reward</c>); every field when empty.</summary>
    public static IReadOnlyList<SpecField> Under(string path) =>
        Fields.Where(f => path.Length == 0 || f.Path == path || f.Path.StartsWith(path + ".", StringComparison.Ordinal)
            || f.Path.StartsWith(path + "[].", StringComparison.Ordinal)).ToList();   // a list's item fields are under it too

    public static string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("# Experiment spec reference");
        text.AppendLine();
        text.AppendLine("Generated from `libs/Pipeline.Core/Spec/ExperimentSpec.cs` by `pipeline explain --markdown`; do not edit by hand.");
        text.AppendLine("`[]` after a name marks a list element. Every optional field's default is stated in its description.");
        text.AppendLine();
        text.AppendLine("| field | type | description |");
        text.AppendLine("|---|---|---|");
        foreach (var f in Fields) text.AppendLine($"| `{f.Path}` | {Cell(f.Type)} | {Cell(f.Description)} |");
        text.AppendLine();
        text.Append(ShapingMarkdown());
        return text.ToString();
    }

    /// <summary>The reward-shaping catalogue: formula, parameters with defaults, and the stated invariant.</summary>
    public static string ShapingMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("## Reward shaping schemes (`spec.reward.shaping.type`)");
        text.AppendLine();
        text.AppendLine("\"Keeps correct ≥ incorrect\" means: in one group, the lowest reward of a correct response is at least the");
        text.AppendLine("highest reward of an incorrect one. Property tests check each claim in both directions.");
        text.AppendLine();
        text.AppendLine("| type | formula | parameters (default) | keeps correct ≥ incorrect | source |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var s in Rewards.ShapingCatalog.All)
        {
            var parameters = s.Parameters.Count == 0 ? "—"
                : string.Join("; ", s.Parameters.Select(p => p.Required ? $"`{p.Name}` (required)" : $"`{p.Name}` ({p.DefaultValue})"));
            var keeps = (s.KeepsCorrectAboveIncorrect ? "yes: " : "**no**: ") + s.InvariantNote;
            text.AppendLine($"| `{s.Name}` | {Cell(s.Formula)} | {Cell(parameters)} | {Cell(keeps)} | {Cell(s.Source)} |");
        }
        return text.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static IEnumerable<SpecField> Walk(Type type, string prefix)
    {
        foreach (var property in SpecTypes.Fields(type))
        {
            var path = prefix.Length == 0 ? SpecTypes.FieldName(property) : $"{prefix}.{SpecTypes.FieldName(property)}";
            var description = property.GetCustomAttribute<DescriptionAttribute>()?.Description ?? "";
            var valueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            yield return new SpecField(path, TypeName(valueType), description);
            var element = SpecTypes.ListElement(valueType);
            if (element is not null && SpecTypes.IsObject(element))
            {
                foreach (var child in Walk(element, path + "[]")) yield return child;
            }
            else if (SpecTypes.IsObject(valueType))
            {
                foreach (var child in Walk(valueType, path)) yield return child;
            }
        }
    }

    private static string TypeName(Type type)
    {
        if (type == typeof(int)) return "integer";
        if (type == typeof(double)) return "number";
        if (type == typeof(bool)) return "boolean";
        if (type == typeof(string)) return "string";
        if (type.IsEnum) return string.Join(" | ", EnumNames.All(type));
        if (SpecTypes.ListElement(type) is { } element) return $"list of {TypeName(element)}";
        if (type.IsGenericType) return "map of string to string";
        return "object";
    }
}
