namespace Tern.Engine.Notify;

/// <summary>
/// What the scheduler sent and why it stopped. Written by the scheduler's loop only; read (racily, for metrics and
/// tests) by anyone.
/// </summary>
public sealed class NotificationCounters
{
    private readonly long[] _stopped = new long[Enum.GetValues<StopReason>().Length];
    private long _datagramsSent;
    private long _recordsSent;
    private long _retransmissions;
    private long _retractionRecordsSent;
    private long _retractionNoticesCompleted;
    private long _peerFailures;
    private long _paced;
    private long _outsideContact;
    private long _held;

    /// <summary>Datagrams handed to the transport.</summary>
    public long DatagramsSent => Volatile.Read(ref _datagramsSent);

    /// <summary>Notification records sent, first transmissions and retransmissions.</summary>
    public long RecordsSent => Volatile.Read(ref _recordsSent);

    /// <summary>Notification records sent with an attempt number above 1.</summary>
    public long Retransmissions => Volatile.Read(ref _retransmissions);

    /// <summary>Retraction records sent (every transmission).</summary>
    public long RetractionRecordsSent => Volatile.Read(ref _retractionRecordsSent);

    /// <summary>Retraction notices that reached their last transmission (or the transit expiry).</summary>
    public long RetractionNoticesCompleted => Volatile.Read(ref _retractionNoticesCompleted);

    /// <summary>Resolutions of a peer that failed (no answer, or a key that fails the X25519 check).</summary>
    public long PeerFailures => Volatile.Read(ref _peerFailures);

    /// <summary>Records put off to a later round because their peer's datagram budget was spent (each time).</summary>
    public long Paced => Volatile.Read(ref _paced);

    /// <summary>Due notifications put off because their delivery is offered to a gateway (<see cref="IDeliveryHold"/>, each time).</summary>
    public long Held => Volatile.Read(ref _held);

    /// <summary>Records put off to their destination's next contact window (<see cref="INotificationWindows"/>, each time).</summary>
    public long OutsideContact => Volatile.Read(ref _outsideContact);

    /// <summary>Deliveries the scheduler stopped notifying for <paramref name="reason"/>.</summary>
    public long Stopped(StopReason reason) => Volatile.Read(ref _stopped[(int)reason]);

    internal void Datagram() => Volatile.Write(ref _datagramsSent, _datagramsSent + 1);

    internal void Record(bool retransmission)
    {
        Volatile.Write(ref _recordsSent, _recordsSent + 1);
        if (retransmission)
        {
            Volatile.Write(ref _retransmissions, _retransmissions + 1);
        }
    }

    internal void RetractionRecord() => Volatile.Write(ref _retractionRecordsSent, _retractionRecordsSent + 1);

    internal void RetractionCompleted() => Volatile.Write(ref _retractionNoticesCompleted, _retractionNoticesCompleted + 1);

    internal void PeerFailed() => Volatile.Write(ref _peerFailures, _peerFailures + 1);

    internal void Hold() => Volatile.Write(ref _held, _held + 1);

    internal void PutOffToContact() => Volatile.Write(ref _outsideContact, _outsideContact + 1);

    internal void Pace() => Volatile.Write(ref _paced, _paced + 1);

    internal void Stop(StopReason reason) => Volatile.Write(ref _stopped[(int)reason], _stopped[(int)reason] + 1);
}
