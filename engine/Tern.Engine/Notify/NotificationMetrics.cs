using System.Diagnostics.Metrics;

namespace Tern.Engine.Notify;

/// <summary>The scheduler's counters as <see cref="System.Diagnostics.Metrics"/> instruments (meter <c>Tern.Delivery</c>).</summary>
internal sealed class NotificationMetrics : IDisposable
{
    /// <summary>Name of the meter.</summary>
    public const string MeterName = "Tern.Delivery";

    private static readonly StopReason[] Reasons = Enum.GetValues<StopReason>();
    private readonly Meter _meter;

    public NotificationMetrics(NotificationCounters counters)
    {
        // The counters are the meter's scope, so listeners can tell the schedulers of one process apart.
        _meter = new Meter(MeterName, version: null, tags: null, scope: counters);
        _meter.CreateObservableCounter("tern.delivery.datagrams_sent", () => counters.DatagramsSent, "{datagram}", "Notification and retraction datagrams sent.");
        _meter.CreateObservableCounter("tern.delivery.records_sent", () => counters.RecordsSent, "{record}", "Notification records sent.");
        _meter.CreateObservableCounter("tern.delivery.retransmissions", () => counters.Retransmissions, "{record}", "Notification records sent with attempt > 1.");
        _meter.CreateObservableCounter("tern.delivery.retraction_records_sent", () => counters.RetractionRecordsSent, "{record}", "Retraction records sent.");
        _meter.CreateObservableCounter("tern.delivery.peer_failures", () => counters.PeerFailures, "{resolution}", "Peer resolutions that failed.");
        _meter.CreateObservableCounter("tern.delivery.paced", () => counters.Paced, "{record}", "Records put off a round by per-peer pacing.");
        _meter.CreateObservableCounter("tern.delivery.stopped", () => Stopped(counters), "{delivery}", "Deliveries no longer notified, by reason.");
    }

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<long>> Stopped(NotificationCounters counters)
    {
        foreach (var reason in Reasons)
        {
            yield return new Measurement<long>(counters.Stopped(reason), new KeyValuePair<string, object?>("reason", reason.ToString()));
        }
    }
}
