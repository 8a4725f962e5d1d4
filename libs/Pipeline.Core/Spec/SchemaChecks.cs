using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Pipeline.Core.Spec;

/// <summary>
/// The checks declared by attributes on the spec types (<see cref="BoundsAttribute"/>, <see cref="RequiredFieldAttribute"/>,
/// <see cref="PatternAttribute"/>, <see cref="ItemsAttribute"/>): the same constraints the CRD's OpenAPI schema
/// carries, worded for a person and naming the field's path.
/// </summary>
internal static class SchemaChecks
{
    public static void Check(object node, string path, ErrorCollector errors)
    {
        foreach (var property in SpecTypes.Fields(node.GetType()))
        {
            var fieldPath = $"{path}.{SpecTypes.FieldName(property)}";
            var value = property.GetValue(node);
            if (property.GetCustomAttribute<RequiredFieldAttribute>() is { } required && string.IsNullOrWhiteSpace(value as string))
            {
                errors.Add(fieldPath, $"required; expected {required.Example}");
                continue;
            }
            if (value is null) continue;
            if (property.GetCustomAttribute<BoundsAttribute>() is { } bounds)
            {
                if (value is IList numbers)
                {
                    for (var i = 0; i < numbers.Count; i++) CheckBounds($"{fieldPath}[{i}]", Convert.ToDouble(numbers[i], System.Globalization.CultureInfo.InvariantCulture), bounds, errors);
                }
                else
                {
                    CheckBounds(fieldPath, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), bounds, errors);
                }
            }
            if (property.GetCustomAttribute<PatternAttribute>() is { } pattern && value is string text && !Regex.IsMatch(text, pattern.Regex))
                errors.Add(fieldPath, $"'{text}' {pattern.Problem}");
            if (value is IList list)
            {
                if (property.GetCustomAttribute<ItemsAttribute>() is { } items)
                {
                    if (list.Count < items.MinCount) errors.Add(fieldPath, items.MinCount == 1 ? "must list at least one item" : $"must list at least {items.MinCount} items, got {list.Count}");
                    if (list.Count > items.MaxCount) errors.Add(fieldPath, $"must list at most {items.MaxCount} items, got {list.Count}");
                }
                for (var i = 0; i < list.Count; i++)
                {
                    if (IsObject(list[i])) Check(list[i]!, $"{fieldPath}[{i}]", errors);
                }
            }
            else if (IsObject(value))
            {
                Check(value, fieldPath, errors);
            }
        }
    }

    private static bool IsObject(object? value) => value is not null && SpecTypes.IsObject(value.GetType());

    private static void CheckBounds(string path, double value, BoundsAttribute bounds, ErrorCollector errors)
    {
        var hasMin = !double.IsNaN(bounds.Minimum);
        var hasMax = !double.IsNaN(bounds.Maximum);
        var tooLow = hasMin && (bounds.ExclusiveMinimum ? value <= bounds.Minimum : value < bounds.Minimum);
        var tooHigh = hasMax && value > bounds.Maximum;
        if (!tooLow && !tooHigh) return;
        var reason = bounds.Reason is null ? "" : $" ({bounds.Reason})";
        var min = ErrorCollector.Format(bounds.Minimum);
        var max = ErrorCollector.Format(bounds.Maximum);
        var expected = (hasMin, hasMax) switch
        {
            (true, true) => $"in {(bounds.ExclusiveMinimum ? "(" : "[")}{min}, {max}]",
            (true, false) => bounds.ExclusiveMinimum ? $"> {min}" : $"≥ {min}",
            _ => $"≤ {max}",
        };
        errors.Add(path, $"must be {expected}{reason}, got {ErrorCollector.Format(value)}");
    }
}
