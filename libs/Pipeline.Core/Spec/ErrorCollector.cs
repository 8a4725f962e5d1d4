using System.Globalization;

namespace Pipeline.Core.Spec;

/// <summary>Accumulates validation errors with small, uniformly worded range checks.</summary>
internal sealed class ErrorCollector
{
    private readonly List<SpecError> _errors = [];

    public IReadOnlyList<SpecError> Errors => _errors;

    public void Add(string path, string message) => _errors.Add(new SpecError(path, message));

    public void AtLeast(string path, int value, int min)
    {
        if (value < min) Add(path, $"must be ≥ {min}, got {value}");
    }

    public void AtLeast(string path, int? value, int min)
    {
        if (value is { } v) AtLeast(path, v, min);
    }

    public void AtLeast(string path, double value, double min)
    {
        if (value < min) Add(path, $"must be ≥ {Format(min)}, got {Format(value)}");
    }

    public void Positive(string path, double value)
    {
        if (value <= 0) Add(path, $"must be > 0, got {Format(value)}");
    }

    /// <summary>lowOpen: (low, high]; otherwise [low, high].</summary>
    public void InRange(string path, double? value, double low, double high, bool lowOpen = false)
    {
        if (value is not { } v) return;
        var tooLow = lowOpen ? v <= low : v < low;
        if (tooLow || v > high) Add(path, $"must be in {(lowOpen ? "(" : "[")}{Format(low)}, {Format(high)}], got {Format(v)}");
    }

    public void Required(string path, string? value, string expected)
    {
        if (string.IsNullOrWhiteSpace(value)) Add(path, $"required; expected {expected}");
    }

    public static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
