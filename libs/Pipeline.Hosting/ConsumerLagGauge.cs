using Prometheus;

namespace Pipeline.Hosting;

/// <summary>
/// A service's consumer-lag gauge: read from the bus at scrape time (lag asks the brokers, too costly for a hot
/// loop), from whichever consumer the service's loop attaches to <see cref="Source"/>.
/// </summary>
public sealed class ConsumerLagGauge
{
    private readonly Gauge _gauge;

    public ConsumerLagGauge(IMetricFactory factory, CollectorRegistry registry, string name, string help)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(registry);
        _gauge = factory.CreateGauge(name, help);
        registry.AddBeforeCollectCallback(() => _gauge.Set(Read(Source)));
    }

    /// <summary>The consumer's lag, set by the loop once its consumer exists and cleared when it is gone.</summary>
    public Func<long>? Source { get; set; }

    /// <returns>The lag, or NaN when there is no consumer or the brokers did not answer (Prometheus shows a gap).</returns>
    private static double Read(Func<long>? lag)
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
