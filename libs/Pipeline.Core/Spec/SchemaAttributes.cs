namespace Pipeline.Core.Spec;

// Constraints declared on the spec types. Each one is read twice, so the two can never disagree: by SpecValidator
// (SchemaChecks) for `pipeline validate`, `pipeline run` and the controller, and by the CRD generator
// (services/controller/Crd) for the Experiment's OpenAPI schema, which rejects the same mistakes at `kubectl apply`.

/// <summary>A numeric range: <c>minimum</c>/<c>maximum</c> in the schema, "must be ≥ 2, got 1" from the validator.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class BoundsAttribute : Attribute
{
    public double Minimum { get; set; } = double.NaN;

    public double Maximum { get; set; } = double.NaN;

    /// <summary>The minimum itself is not allowed (<c>exclusiveMinimum</c>).</summary>
    public bool ExclusiveMinimum { get; set; }

    /// <summary>Why, appended to the validator's message in parentheses.</summary>
    public string? Reason { get; set; }
}

/// <summary>A string that must be set (listed under the schema's <c>required</c>).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RequiredFieldAttribute(string example) : Attribute
{
    /// <summary>What a valid value looks like, for the message ("required; expected ...").</summary>
    public string Example { get; } = example;
}

/// <summary>A string matching a regular expression (the schema's <c>pattern</c>); empty or absent values pass.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PatternAttribute(string regex, string problem) : Attribute
{
    public string Regex { get; } = regex;

    /// <summary>What is wrong with a value that does not match, after the quoted value: "'x' is not a Secret name".</summary>
    public string Problem { get; } = problem;
}

/// <summary>A list's length limits (<c>minItems</c>/<c>maxItems</c>); the cap also bounds the cost of the CEL rules that
/// walk the list. (A <see cref="BoundsAttribute"/> on a list of numbers bounds its items.)</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ItemsAttribute : Attribute
{
    public int MinCount { get; set; }

    public int MaxCount { get; set; } = int.MaxValue;
}

/// <summary>A list whose items are identified by one of their fields (<c>x-kubernetes-list-type: map</c>): the
/// API server rejects two items with the same key.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ListMapKeyAttribute(string key) : Attribute
{
    public string Key { get; } = key;
}

/// <summary>A field fixed once the experiment exists: changing it would silently mix two experiments in one run
/// folder. The CRD carries a CEL transition rule (<c>self == oldSelf</c>); the controller reports a change it sees.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ImmutableAttribute : Attribute;

/// <summary>
/// A cross-field rule of the type it is declared on, as a CEL expression over <c>self</c> (the schema's
/// <c>x-kubernetes-validations</c>). SpecValidator checks the same rule in C#; a test pairs each rule with a spec
/// that breaks it, so the expression and the C# check are exercised together.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class CelRuleAttribute(string rule, string message) : Attribute
{
    public string Rule { get; } = rule;

    public string Message { get; } = message;

    /// <summary>The field the message is about, relative to the type (<c>.budgets</c>); the schema's <c>fieldPath</c>.</summary>
    public string? FieldPath { get; set; }
}
