using System.Text.RegularExpressions;

namespace Pipeline.Services.Tests.Checks;

/// <summary>
/// The check every service's <c>/metrics</c> must pass: scraped the way Prometheus does it, accepted by promtool
/// without a lint, and named by the project's conventions on top of promtool's (see <see cref="AssertNaming"/>).
/// </summary>
internal static partial class MetricsScrape
{
    [GeneratedRegex("""^# TYPE (\S+) (\S+)$""", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    [GeneratedRegex("""^[a-z][a-z0-9_]*$""")]
    private static partial Regex SnakeCase();

    /// <summary>GETs <paramref name="metricsUrl"/>, asserts a non-empty text exposition that promtool accepts
    /// silently and whose families follow <see cref="AssertNaming"/>; returns the text for further assertions.</summary>
    public static async Task<string> AssertValidAsync(Uri metricsUrl, string metricPrefix)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.GetAsync(metricsUrl);
        Assert.True(response.IsSuccessStatusCode, $"GET {metricsUrl}: {(int)response.StatusCode} {response.StatusCode}");
        // Prometheus' text format 0.0.4 is what promtool parses.
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.False(string.IsNullOrWhiteSpace(text), $"GET {metricsUrl}: empty exposition");

        await Promtool.AssertCleanAsync(text);
        AssertNaming(text, metricPrefix);
        return text;
    }

    /// <summary>
    /// What promtool does not check: every family carries the service's prefix (e.g. <c>pipeline_reward_</c>, so
    /// services never collide in one Prometheus) in lower snake case, and <c>_total</c> marks counters only.
    /// </summary>
    public static void AssertNaming(string exposition, string metricPrefix)
    {
        var families = TypeLine().Matches(exposition).Select(m => (Name: m.Groups[1].Value, Type: m.Groups[2].Value)).ToList();
        Assert.NotEmpty(families);
        var problems = new List<string>();
        foreach (var (name, type) in families)
        {
            if (!name.StartsWith(metricPrefix, StringComparison.Ordinal)) problems.Add($"{name}: does not start with {metricPrefix}");
            if (!SnakeCase().IsMatch(name)) problems.Add($"{name}: not lower snake case");
            if (type != "counter" && name.EndsWith("_total", StringComparison.Ordinal)) problems.Add($"{name}: a {type} named _total (counters only)");
        }
        Assert.True(problems.Count == 0, "metric naming:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }
}
