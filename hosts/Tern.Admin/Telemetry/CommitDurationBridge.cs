using System.Diagnostics.Metrics;
using Tern.Engine.Transit;
using PrometheusHistogram = Prometheus.Histogram;

namespace Tern.Admin.Telemetry;

/// <summary>
/// Feeds the transit store's commit-duration histogram (<see cref="TransitStore.CommitDurationInstrument"/>) into the
/// Prometheus histogram: a listener on that one instrument of this node's store only (the meter's scope), one
/// observation per group commit.
/// </summary>
internal sealed class CommitDurationBridge : IDisposable
{
    private readonly MeterListener _listener = new();

    public CommitDurationBridge(TransitStore store, PrometheusHistogram histogram)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == TransitStore.MeterName && instrument.Name == TransitStore.CommitDurationInstrument && ReferenceEquals(instrument.Meter.Scope, store))
            {
                listener.EnableMeasurementEvents(instrument, histogram);
            }
        };
        _listener.SetMeasurementEventCallback<double>(static (_, seconds, _, state) => ((PrometheusHistogram)state!).Observe(seconds));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();
}
