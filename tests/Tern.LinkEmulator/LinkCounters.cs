namespace Tern.LinkEmulator;

/// <summary>
/// A snapshot of one direction's counters. For UDP, <c>PacketsIn + Duplicated = Delivered + Dropped + InFlight</c>;
/// once the link is idle InFlight is 0 and a test can check that nothing went unaccounted. For TCP nothing is dropped:
/// <see cref="Retransmissions"/> counts segments that paid a retransmission timeout, <see cref="Held"/> those that waited
/// for a blackout or window to end. <see cref="MaxQueueingDelay"/> is the longest a UDP datagram was admitted to wait
/// behind the queue before its own serialization (scaled time), as the link scheduled it.
/// </summary>
public readonly record struct LinkCounters(
    long PacketsIn,
    long BytesIn,
    long PacketsDelivered,
    long BytesDelivered,
    long DroppedLoss,
    long DroppedQueue,
    long DroppedBlackout,
    long DroppedWindow,
    long Duplicated,
    long Retransmissions,
    long Held,
    double DeliveryRateBitsPerSecond,
    TimeSpan MaxQueueingDelay)
{
    /// <summary>Datagrams dropped for any cause.</summary>
    public long Dropped => DroppedLoss + DroppedQueue + DroppedBlackout + DroppedWindow;

    /// <summary>Datagrams admitted and not yet delivered.</summary>
    public long InFlight => PacketsIn + Duplicated - PacketsDelivered - Dropped;
}
