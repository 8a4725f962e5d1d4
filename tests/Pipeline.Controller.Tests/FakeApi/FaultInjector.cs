namespace Pipeline.Controller.Tests.FakeApi;

/// <summary>
/// Makes the next requests that match a predicate fail with a given status code instead of being served
/// (nothing is stored), to test a controller's retries: e.g. <c>server.Faults.FailNext(2, 500, r =&gt; r.Verb == "create")</c>.
/// </summary>
public sealed class FaultInjector
{
    private sealed class Rule(int remaining, int code, string reason, Func<RecordedRequest, bool> when)
    {
        public int Remaining = remaining;
        public int Code { get; } = code;
        public string Reason { get; } = reason;
        public Func<RecordedRequest, bool> When { get; } = when;
    }

    private readonly List<Rule> _rules = [];

    /// <summary>
    /// The next <paramref name="count"/> requests for which <paramref name="when"/> holds (all requests when null)
    /// get <paramref name="code"/> and a Status whose reason defaults to the real server's for that code
    /// (500 InternalError, 409 Conflict, 429 TooManyRequests, 503 ServiceUnavailable, 504 Timeout, ...).
    /// </summary>
    public void FailNext(int count, int code = 500, Func<RecordedRequest, bool>? when = null, string? reason = null)
    {
        lock (_rules) _rules.Add(new Rule(count, code, reason ?? DefaultReason(code), when ?? (_ => true)));
    }

    /// <summary>Drops every rule not used up yet.</summary>
    public void Clear() { lock (_rules) _rules.Clear(); }

    /// <summary>The failure for this request, if a rule claims it (and uses up one of its count).</summary>
    internal ApiException? Match(RecordedRequest request)
    {
        lock (_rules)
        {
            foreach (var rule in _rules)
            {
                if (rule.Remaining <= 0 || !rule.When(request)) continue;
                rule.Remaining--;
                return new ApiException(rule.Code, rule.Reason, $"injected failure {rule.Code} {rule.Reason} for {request.Verb} {request.Path}");
            }
            return null;
        }
    }

    private static string DefaultReason(int code) => code switch
    {
        400 => "BadRequest", 401 => "Unauthorized", 403 => "Forbidden", 404 => "NotFound", 409 => "Conflict",
        410 => "Expired", 422 => "Invalid", 429 => "TooManyRequests", 503 => "ServiceUnavailable", 504 => "Timeout",
        _ => "InternalError",
    };
}
