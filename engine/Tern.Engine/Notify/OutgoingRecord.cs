using Tern.Engine.Transit;

namespace Tern.Engine.Notify;

/// <summary>
/// A due entry waiting in its peer's queue for the next datagram, with the attempts its delivery had recorded when it was
/// routed. Everything else the record needs is immutable and read from the index record (<see cref="Entry"/>) itself.
/// </summary>
internal readonly struct OutgoingRecord(ScheduledNotice notice, int attempt)
{
    public readonly ScheduledNotice Notice = notice;

    /// <summary>Notification attempts recorded before this one.</summary>
    public readonly int Attempt = attempt;

    public DeliveryEntry Entry => Notice.Entry;
}
