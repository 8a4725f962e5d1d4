using System.Collections;
using System.Globalization;
using System.Reflection;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Pipeline.Core.Spec;

/// <summary>
/// Binds a parsed YAML node tree onto the spec types, collecting every problem instead of stopping at the first.
/// </summary>
/// <remarks>
/// Written by hand on top of YamlDotNet's representation model because YamlDotNet's deserializer stops at the
/// first error and loses the field path; a spec author wants every mistake at once, each with its path and line.
/// Property names bind in camelCase; unknown fields are errors (with a "did you mean"); numbers and booleans must
/// be plain scalars (a quoted "8" is a string, as Kubernetes would see it).
/// </remarks>
internal sealed class YamlSpecBinder
{
    private readonly List<SpecError> _errors = [];

    /// <summary>Where each bound field path sits in the file, so later (semantic) errors can name the line.</summary>
    public Dictionary<string, Mark> Marks { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<SpecError> Errors => _errors;

    public T Bind<T>(YamlNode node, string path) where T : new() => (T?)BindValue(node, typeof(T), path, allowNull: false) ?? new T();

    private object? BindValue(YamlNode node, Type type, string path, bool allowNull)
    {
        Marks.TryAdd(path, node.Start);
        if (IsNull(node))
        {
            return allowNull ? null : Fail(node, path, $"must not be empty; expected {Describe(type)}");
        }
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string)) return BindString(node, path);
        if (target == typeof(int)) return BindNumber(node, path, "an integer", s => int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) ? v : null);
        if (target == typeof(double)) return BindNumber(node, path, "a number", ParseFiniteDouble);
        if (target == typeof(bool)) return BindNumber(node, path, "true or false", s => s switch { "true" or "True" or "TRUE" => true, "false" or "False" or "FALSE" => false, _ => null });
        if (target.IsEnum) return BindEnum(node, target, path);
        if (SpecTypes.ListElement(target) is not null) return BindList(node, target, path);
        if (target.IsGenericType && target.GetGenericTypeDefinition() == typeof(Dictionary<,>)) return BindStringMap(node, path);
        if (target.IsClass) return BindObject(node, target, path);
        throw new NotSupportedException($"spec type {target} has no YAML binding");
    }

    private object? BindObject(YamlNode node, Type type, string path)
    {
        if (node is not YamlMappingNode mapping) return Fail(node, path, $"expected a mapping of fields, got {Kind(node)}");
        var instance = Activator.CreateInstance(type)!;
        var properties = SpecTypes.Fields(type).ToDictionary(SpecTypes.FieldName, StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            var fieldPath = Join(path, key);
            if (!properties.TryGetValue(key, out var property))
            {
                var hint = EnumNames.Suggest(key, properties.Keys);
                var expected = hint is null ? $"expected one of {string.Join(", ", properties.Keys)}" : $"did you mean '{hint}'?";
                Fail(keyNode, fieldPath, $"unknown field '{key}'; {expected}");
                continue;
            }
            var allowNull = IsNullable(property);
            var value = BindValue(valueNode, property.PropertyType, fieldPath, allowNull);
            if (value is not null || (allowNull && IsNull(valueNode))) property.SetValue(instance, value);
        }
        return instance;
    }

    private object? BindList(YamlNode node, Type listType, string path)
    {
        if (node is not YamlSequenceNode sequence) return Fail(node, path, $"expected a list, got {Kind(node)}");
        var elementType = listType.GetGenericArguments()[0];
        var list = (IList)Activator.CreateInstance(listType)!;
        var index = 0;
        foreach (var item in sequence.Children)
        {
            var value = BindValue(item, elementType, $"{path}[{index++}]", allowNull: false);
            if (value is not null) list.Add(value);
        }
        return list;
    }

    private object? BindStringMap(YamlNode node, string path)
    {
        if (node is not YamlMappingNode mapping) return Fail(node, path, $"expected a mapping of strings, got {Kind(node)}");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in mapping.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (BindString(value, Join(path, name)) is string text) map[name] = text;
        }
        return map;
    }

    private string? BindString(YamlNode node, string path) =>
        node is YamlScalarNode scalar ? scalar.Value ?? "" : (string?)Fail(node, path, $"expected a string, got {Kind(node)}");

    private object? BindNumber(YamlNode node, string path, string expected, Func<string, object?> parse)
    {
        if (node is not YamlScalarNode scalar) return Fail(node, path, $"expected {expected}, got {Kind(node)}");
        var text = scalar.Value ?? "";
        var parsed = scalar.Style is ScalarStyle.Plain ? parse(text) : null;
        return parsed ?? Fail(node, path, $"expected {expected}, got {Quote(scalar)}");
    }

    private object? BindEnum(YamlNode node, Type enumType, string path)
    {
        if (node is not YamlScalarNode scalar) return Fail(node, path, $"expected one of {string.Join(", ", EnumNames.All(enumType))}, got {Kind(node)}");
        var text = scalar.Value ?? "";
        if (EnumNames.TryParse(enumType, text, out var value)) return value;
        var names = EnumNames.All(enumType);
        var hint = EnumNames.Suggest(text, names);
        var suffix = hint is null ? "" : $" (did you mean '{hint}'?)";
        return Fail(node, path, $"unknown '{text}'; expected one of {string.Join(", ", names)}{suffix}");
    }

    private object? Fail(YamlNode node, string path, string message)
    {
        _errors.Add(new SpecError(path, message, (int)node.Start.Line, (int)node.Start.Column));
        return null;
    }

    private static object? ParseFiniteDouble(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain } scalar && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private static bool IsNullable(PropertyInfo property) =>
        Nullable.GetUnderlyingType(property.PropertyType) is not null ||
        new NullabilityInfoContext().Create(property).WriteState is NullabilityState.Nullable;

    private static string Kind(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s => Quote(s),
        _ => node.NodeType.ToString(),
    };

    private static string Quote(YamlScalarNode s) => s.Style is ScalarStyle.Plain ? $"'{s.Value}'" : $"the string \"{s.Value}\"";

    private static string Describe(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(int)) return "an integer";
        if (t == typeof(double)) return "a number";
        if (t == typeof(bool)) return "true or false";
        if (t.IsEnum) return "one of " + string.Join(", ", EnumNames.All(t));
        if (t == typeof(string)) return "a string";
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(List<>)) return "a list";
        return "a mapping of fields";
    }

    internal static string CamelCase(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
