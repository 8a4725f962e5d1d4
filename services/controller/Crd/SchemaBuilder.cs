using System.Collections;
using System.ComponentModel;
using System.Reflection;
using Pipeline.Core.Spec;

namespace Pipeline.Services.Controller.Crd;

/// <summary>
/// The OpenAPI v3 schema of a C# type as a structural CRD schema: every property with its description, type, default
/// (read from a fresh instance, so the initialisers are the one place defaults live), enum values, ranges, patterns,
/// list sizes and keys, and the CEL rules declared with <see cref="CelRuleAttribute"/> and <see cref="ImmutableAttribute"/>.
/// </summary>
/// <remarks>Hand-written: the .NET schema exporters (System.Text.Json's JsonSchemaExporter) emit JSON Schema drafts,
/// not Kubernetes' structural dialect (x-kubernetes-* extensions, OpenAPI 3.0 exclusiveMinimum, no $ref).</remarks>
internal static class SchemaBuilder
{
    public static Dictionary<string, object?> For(Type type, string? description = null)
    {
        var schema = new Dictionary<string, object?>();
        if (description is not null) schema["description"] = description;
        schema["type"] = "object";
        var properties = new Dictionary<string, object?>();
        var required = new List<string>();
        var instance = Activator.CreateInstance(type);
        foreach (var property in SpecTypes.Fields(type).OrderBy(DeclarationOrder))
        {
            var name = SpecTypes.FieldName(property);
            properties[name] = Property(property, instance);
            if (property.GetCustomAttribute<RequiredFieldAttribute>() is not null) required.Add(name);
        }
        schema["properties"] = properties;
        if (required.Count > 0) schema["required"] = required;
        var rules = type.GetCustomAttributes<CelRuleAttribute>().Select(Rule).Cast<object?>().ToList();
        if (rules.Count > 0) schema["x-kubernetes-validations"] = rules;
        return schema;
    }

    // Base-class properties first, as a reader expects (reflection lists the derived type's own first).
    private static int DeclarationOrder(PropertyInfo property)
    {
        var depth = 0;
        for (var t = property.DeclaringType!.BaseType; t is not null; t = t.BaseType) depth++;
        return -depth;
    }

    private static Dictionary<string, object?> Property(PropertyInfo property, object? instance)
    {
        var description = property.GetCustomAttribute<DescriptionAttribute>()?.Description;
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var schema = Value(type, description);
        var value = instance is null ? null : property.GetValue(instance);
        if (Default(value) is { } defaultValue) schema["default"] = defaultValue;

        var bounds = property.GetCustomAttribute<BoundsAttribute>();
        var target = schema["type"] as string == "array" ? (Dictionary<string, object?>)schema["items"]! : schema;
        if (bounds is not null) AddBounds(target, bounds);
        if (property.GetCustomAttribute<RequiredFieldAttribute>() is not null) schema["minLength"] = 1;
        if (property.GetCustomAttribute<PatternAttribute>() is { } pattern) schema["pattern"] = pattern.Regex;
        if (property.GetCustomAttribute<ItemsAttribute>() is { } items)
        {
            if (items.MinCount > 0) schema["minItems"] = items.MinCount;
            if (items.MaxCount < int.MaxValue) schema["maxItems"] = items.MaxCount;
        }
        if (property.GetCustomAttribute<ListMapKeyAttribute>() is { } key)
        {
            schema["x-kubernetes-list-type"] = "map";
            schema["x-kubernetes-list-map-keys"] = new List<object?> { key.Key };
        }
        if (property.GetCustomAttribute<ImmutableAttribute>() is not null)
        {
            var rules = schema.TryGetValue("x-kubernetes-validations", out var existing) ? (List<object?>)existing! : [];
            rules.Add(new Dictionary<string, object?>
            {
                ["rule"] = "self == oldSelf",
                ["message"] = "is immutable: a running experiment cannot change what it trains; create a new Experiment",
            });
            schema["x-kubernetes-validations"] = rules;
        }
        return schema;
    }

    private static Dictionary<string, object?> Value(Type type, string? description)
    {
        if (SpecTypes.IsObject(type)) return For(type, description);
        var schema = new Dictionary<string, object?>();
        if (description is not null) schema["description"] = description;
        if (type == typeof(int)) { schema["type"] = "integer"; schema["format"] = "int32"; }
        else if (type == typeof(long)) { schema["type"] = "integer"; schema["format"] = "int64"; }
        else if (type == typeof(double)) schema["type"] = "number";
        else if (type == typeof(bool)) schema["type"] = "boolean";
        else if (type == typeof(string)) schema["type"] = "string";
        else if (type == typeof(DateTime)) { schema["type"] = "string"; schema["format"] = "date-time"; }
        else if (type.IsEnum)
        {
            schema["type"] = "string";
            schema["enum"] = EnumNames.All(type).Cast<object?>().ToList();
        }
        else if (SpecTypes.ListElement(type) is { } element)
        {
            schema["type"] = "array";
            schema["items"] = Value(Nullable.GetUnderlyingType(element) ?? element, null);
        }
        else if (type == typeof(Dictionary<string, string>))
        {
            schema["type"] = "object";
            schema["additionalProperties"] = new Dictionary<string, object?> { ["type"] = "string" };
        }
        else
        {
            throw new NotSupportedException($"no schema for {type}");
        }
        return schema;
    }

    private static object? Default(object? value) => value switch
    {
        null => null,
        Enum e => EnumNames.Name(e.GetType(), e),
        string s => s.Length == 0 ? null : s,
        int or long or double or bool => value,
        IList list => list.Count == 0 || list.Cast<object>().Any(IsObjectValue) ? null : list.Cast<object?>().ToList(),
        IDictionary => null,
        DateTime => null,
        // An object's own defaults apply only if the object exists; `{}` makes the API server create it.
        _ => new Dictionary<string, object?>(),
    };

    private static void AddBounds(Dictionary<string, object?> schema, BoundsAttribute bounds)
    {
        var integer = schema["type"] as string == "integer";
        if (!double.IsNaN(bounds.Minimum))
        {
            schema["minimum"] = integer ? (object)(long)bounds.Minimum : bounds.Minimum;
            if (bounds.ExclusiveMinimum) schema["exclusiveMinimum"] = true;
        }
        if (!double.IsNaN(bounds.Maximum)) schema["maximum"] = integer ? (object)(long)bounds.Maximum : bounds.Maximum;
    }

    private static Dictionary<string, object?> Rule(CelRuleAttribute rule)
    {
        var result = new Dictionary<string, object?> { ["rule"] = rule.Rule, ["message"] = rule.Message };
        if (rule.FieldPath is not null) result["fieldPath"] = rule.FieldPath;
        return result;
    }

    private static bool IsObjectValue(object value) => SpecTypes.IsObject(value.GetType());
}
