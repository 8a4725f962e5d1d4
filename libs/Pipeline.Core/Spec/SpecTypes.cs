using System.Reflection;

namespace Pipeline.Core.Spec;

/// <summary>
/// How the spec types are read by reflection, shared by everything that walks them: the YAML binder, the reference
/// documentation (<see cref="SpecReference"/>), the attribute checks (<see cref="SchemaChecks"/>) and the CRD
/// generator in the controller.
/// </summary>
public static class SpecTypes
{
    /// <summary>The fields of a spec type: its public, settable instance properties.</summary>
    public static IEnumerable<PropertyInfo> Fields(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite);
    }

    /// <summary>A property's name in the spec: camelCase (<c>GroupSize</c> → <c>groupSize</c>).</summary>
    public static string FieldName(PropertyInfo property)
    {
        ArgumentNullException.ThrowIfNull(property);
        return YamlSpecBinder.CamelCase(property.Name);
    }

    /// <summary>A nested spec object (a class of its own fields), as opposed to a string, list or map.</summary>
    public static bool IsObject(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.IsClass && type != typeof(string) && !type.IsGenericType;
    }

    /// <summary>The element type of a <c>List&lt;T&gt;</c> field, or null.</summary>
    public static Type? ListElement(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0] : null;
    }
}
