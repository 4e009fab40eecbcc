using System.Diagnostics.Metrics;

namespace Tern.Transports.Fetch;

/// <summary>The fetch doors' connection counters as <see cref="System.Diagnostics.Metrics"/> instruments (meter <c>Tern.Fetch</c>).</summary>
internal sealed class FetchMetrics : IDisposable
{
    /// <summary>Name of the meter.</summary>
    public const string MeterName = "Tern.Fetch";

    private readonly Meter _meter;

    public FetchMetrics(FetchConnectionCounters counters)
    {
        // The counters are the meter's scope, so listeners can tell the servers of one process apart.
        _meter = new Meter(MeterName, version: null, tags: null, scope: counters);
        _meter.CreateObservableUpDownCounter("tern.fetch.connections.open", () => counters.Open, "{connection}", "Fetch connections open, over every door.");
        _meter.CreateObservableCounter("tern.fetch.connections.refused", Refused(counters), "{connection}", "Fetch connections closed at accept, by the cap they hit.");
        _meter.CreateObservableCounter("tern.fetch.connections.too_slow", () => counters.TooSlow, "{connection}", "Connections of Tern's doors aborted below the minimum response data rate.");
    }

    public void Dispose() => _meter.Dispose();

    private static Func<IEnumerable<Measurement<long>>> Refused(FetchConnectionCounters counters) => () =>
    [
        new Measurement<long>(counters.RefusedPerSource, new KeyValuePair<string, object?>("cap", "per_source")),
        new Measurement<long>(counters.RefusedTotal, new KeyValuePair<string, object?>("cap", "total")),
    ];
}
