using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using Pipeline.Core.Spec;
using Pipeline.Services.Controller.Crd;

namespace Pipeline.Services.Controller.Reconcile;

/// <summary>
/// An Experiment as read from the API server: its metadata, its spec validated by the same loader as
/// <c>pipeline validate</c> (the errors name fields, not JSON lines), and the status the controller last wrote.
/// </summary>
public sealed class ExperimentObject
{
    public required V1ObjectMeta Metadata { get; init; }

    /// <summary>The spec exactly as stored (after the API server's defaulting).</summary>
    public required JsonObject Spec { get; init; }

    /// <summary>The bound spec, or null when it could not be bound at all.</summary>
    public ExperimentDocument? Document { get; init; }

    /// <summary>Every problem with the spec, as "path: message".</summary>
    public required IReadOnlyList<string> Problems { get; init; }

    public ExperimentStatus Status { get; init; } = new();

    public string Name => Metadata.Name;
    public string Namespace => Metadata.NamespaceProperty ?? "default";
    public bool IsValid => Document is not null && Problems.Count == 0;

    public static JsonSerializerOptions StatusJson { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new UtcSecondsConverter() },
    };

    public static ExperimentObject Parse(JsonNode resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var metadata = KubernetesJson.Deserialize<V1ObjectMeta>(resource["metadata"]!.ToJsonString());
        var spec = resource["spec"] as JsonObject ?? new JsonObject();
        var status = resource["status"] is JsonObject s ? s.Deserialize<ExperimentStatus>(StatusJson) ?? new() : new ExperimentStatus();
        // JSON is YAML: the spec goes through the CLI's loader, so the controller reports exactly what `pipeline validate` would.
        var loaded = SpecLoader.Load(DocumentJson(metadata.Name, metadata.NamespaceProperty, spec).ToJsonString());
        var problems = loaded.Errors.Select(e => e.Path.Length == 0 ? e.Message : $"{e.Path}: {e.Message}").ToList();
        if (metadata.Name.Length > ServiceNames.MaxExperimentName)
            problems.Insert(0, $"metadata.name: '{metadata.Name}' has {metadata.Name.Length} characters; at most {ServiceNames.MaxExperimentName} in a cluster, so that '<name>-evaluator' and the other object names stay within 63");
        return new ExperimentObject
        {
            Metadata = metadata,
            Spec = spec,
            Document = loaded.Document,
            Problems = problems,
            Status = status,
        };
    }

    /// <summary>The experiment as the document `pipeline run` and the services read: apiVersion, kind, name, namespace, spec.</summary>
    public static JsonObject DocumentJson(string name, string? @namespace, JsonObject spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new JsonObject
        {
            ["apiVersion"] = ExperimentResource.ApiVersion,
            ["kind"] = ExperimentResource.Kind,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = @namespace },
            ["spec"] = spec.DeepClone(),
        };
    }

    /// <summary>The owner reference every object of this experiment carries, so deleting it deletes them.</summary>
    public V1OwnerReference OwnerReference() => new()
    {
        ApiVersion = ExperimentResource.ApiVersion,
        Kind = ExperimentResource.Kind,
        Name = Name,
        Uid = Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };
}

/// <summary>Kubernetes times are RFC 3339 in UTC with whole seconds (metav1.Time).</summary>
internal sealed class UtcSecondsConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTime.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
}
