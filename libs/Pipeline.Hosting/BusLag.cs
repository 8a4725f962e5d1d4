namespace Pipeline.Hosting;

/// <summary>Reads a consumer's lag for a scrape without letting a broker problem fail the scrape.</summary>
public static class BusLag
{
    /// <returns>The lag, or NaN when there is no consumer yet or the brokers did not answer (Prometheus shows a gap).</returns>
    public static double Read(Func<long>? lag)
    {
        if (lag is null) return double.NaN;
        try
        {
            return lag();
        }
#pragma warning disable CA1031 // A scrape must answer whatever the broker did; the gap is the signal.
        catch (Exception)
#pragma warning restore CA1031
        {
            return double.NaN;
        }
    }
}
