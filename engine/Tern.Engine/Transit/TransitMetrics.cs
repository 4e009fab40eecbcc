using System.Diagnostics.Metrics;

namespace Tern.Engine.Transit;

/// <summary>
/// The transit store's instruments (meter <see cref="TransitStore.MeterName"/>, its scope the store, so a listener can
/// tell the stores of one process apart). Its sizes and counts are read from the store itself; what only a recording
/// can keep, the time each group commit took to become durable, is a histogram here.
/// </summary>
internal sealed class TransitMetrics : IDisposable
{
    private readonly Meter _meter;

    public TransitMetrics(TransitStore store)
    {
        _meter = new Meter(TransitStore.MeterName, version: null, tags: null, scope: store);
        CommitDuration = _meter.CreateHistogram<double>(TransitStore.CommitDurationInstrument, "s",
            "Time from a group commit's start (journal and bucket logs flushed together) until it is durable.");
    }

    /// <summary>Seconds each group commit took, recorded once per commit by the commit loop.</summary>
    public Histogram<double> CommitDuration { get; }

    public void Dispose() => _meter.Dispose();
}
