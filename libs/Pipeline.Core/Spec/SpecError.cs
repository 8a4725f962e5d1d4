namespace Pipeline.Core.Spec;

/// <summary>
/// One problem with a spec: the field path (<c>reward.shaping.type</c>, <c>data.eval[1].name</c>), what is wrong,
/// and where in the file when known. Printed one per line by <c>pipeline validate</c>.
/// </summary>
public sealed record SpecError(string Path, string Message, int? Line = null, int? Column = null)
{
    public override string ToString()
    {
        var where = Line is null ? "" : $" (line {Line}, column {Column})";
        return string.IsNullOrEmpty(Path) ? $"{Message}{where}" : $"{Path}: {Message}{where}";
    }
}

/// <summary>Thrown where a caller needs a valid spec and got one with problems; carries every problem.</summary>
public sealed class SpecException(string source, IReadOnlyList<SpecError> errors)
    : Exception($"{source}: invalid experiment spec:{Environment.NewLine}" +
                string.Join(Environment.NewLine, errors.Select(e => "  " + e)))
{
    public IReadOnlyList<SpecError> Errors { get; } = errors;
}
