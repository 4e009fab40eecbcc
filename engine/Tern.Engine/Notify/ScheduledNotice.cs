using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Engine.Notify;

/// <summary>
/// One entry of the scheduler's timing wheel. <see cref="DueMs"/> is kept exactly (the wheel rounds to ticks) so that a
/// stale duplicate can be told apart from the live entry of a delivery: only the entry due at the delivery's recorded
/// next attempt sends. <see cref="Entry"/> is the store's index record, found once when the delivery is first taken in,
/// so retransmissions cost no index lookup; the capability is read from it rather than carried, which keeps the entry
/// at 24 bytes, copied several times per record and held once per outstanding delivery. Retraction notices carry their
/// own count (<see cref="Sent"/>); notifications read theirs from the store.
/// </summary>
internal readonly struct ScheduledNotice(DeliveryEntry entry, NoticeKind kind, long dueMs, int sent, bool paced = false)
{
    /// <summary>The delivery's index record.</summary>
    public DeliveryEntry Entry { get; } = entry;

    public NoticeKind Kind { get; } = kind;

    public long DueMs { get; } = dueMs;

    /// <summary>Retraction notices already sent for this capability.</summary>
    public int Sent { get; } = sent;

    /// <summary>
    /// Put off by its peer's pacing with its datagram's token taken then: when it comes due it goes first and takes none
    /// (in the slack of the 24 bytes, so the entry does not grow).
    /// </summary>
    public bool Paced { get; } = paced;

    public FetchCapability Capability => Entry.Capability;

    /// <summary>This entry with <see cref="Paced"/> set or cleared, all else unchanged.</summary>
    public ScheduledNotice WithPaced(bool paced) => new(Entry, Kind, DueMs, Sent, paced);
}
