using Tern.Engine.Protocol;
using Tern.Engine.Transit;

namespace Tern.Engine.Notify;

/// <summary>
/// One entry of the scheduler's timing wheel. <see cref="DueMs"/> is kept exactly (the wheel rounds to ticks) so that a
/// stale duplicate can be told apart from the live entry of a delivery: only the entry due at the delivery's recorded
/// next attempt sends. <see cref="Entry"/> is the store's index record, found once when the entry is first taken in,
/// so retransmissions cost no index lookup. Retraction notices carry their own count (<see cref="Sent"/>);
/// notifications read theirs from the store.
/// </summary>
internal readonly struct ScheduledNotice(FetchCapability capability, NoticeKind kind, long dueMs, int sent, DeliveryEntry? entry = null)
{
    public FetchCapability Capability { get; } = capability;

    public NoticeKind Kind { get; } = kind;

    public long DueMs { get; } = dueMs;

    /// <summary>Retraction notices already sent for this capability.</summary>
    public int Sent { get; } = sent;

    /// <summary>The delivery's index record; null until the loop has looked it up.</summary>
    public DeliveryEntry? Entry { get; } = entry;

    public ScheduledNotice With(DeliveryEntry entry) => new(Capability, Kind, DueMs, Sent, entry);
}
