using System.Text.Json.Nodes;

namespace Pipeline.Controller.Tests.FakeApi;

/// <summary>
/// An API error as a real server reports it: a v1 Status object with reason and code. KubernetesClient turns any
/// non-2xx answer into HttpOperationException whose Response.StatusCode is <see cref="Code"/>.
/// </summary>
public sealed class ApiException(int code, string reason, string message) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;

    public JsonObject ToStatus(ResourceType? type = null, string? name = null)
    {
        var status = StatusErrors.Status("Failure", Message, Reason, Code);
        if (type is not null || name is not null)
        {
            var details = new JsonObject();
            if (name is not null) details["name"] = name;
            if (type is not null) { details["group"] = type.Group; details["kind"] = type.Plural; }
            status["details"] = details;
        }
        return status;
    }
}

/// <summary>Factories for the errors the fake raises, worded like the real API server's.</summary>
public static class StatusErrors
{
    public static JsonObject Status(string status, string? message = null, string? reason = null, int code = 200)
    {
        var o = new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = status };
        if (message is not null) o["message"] = message;
        if (reason is not null) o["reason"] = reason;
        o["code"] = code;
        return o;
    }

    public static ApiException NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.FullName} \"{name}\" not found");

    public static ApiException AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.FullName} \"{name}\" already exists");

    public static ApiException Conflict(ResourceType type, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {type.FullName} \"{name}\": {why}");

    public static ApiException Invalid(ResourceType? type, string name, string why) =>
        new(422, "Invalid", $"{type?.FullName ?? "object"} \"{name}\" is invalid: {why}");

    public static ApiException BadRequest(string why) => new(400, "BadRequest", why);

    public static ApiException Gone(string why) => new(410, "Expired", why);

    public static ApiException MethodNotAllowed(string why) => new(405, "MethodNotAllowed", why);

    public static ApiException UnsupportedMediaType(string contentType) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got '{contentType}')");
}
