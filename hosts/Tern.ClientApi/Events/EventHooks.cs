using Tern.ClientApi.Labels;
using Tern.ClientApi.Policy;
using Tern.ClientApi.Users;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Pull;
using Tern.Engine.Transit;

namespace Tern.ClientApi.Events;

/// <summary>
/// Where the node's own parts append to the users' event logs (docs/C2S.md §15): the pending table sink reports a
/// reference filed (<c>received</c>), the pending table one that left it (<c>retracted</c>, <c>expired</c>), the message
/// store one stored (<c>pulled</c>), the transit store a delivery of a message the user sent that changed state
/// (<c>delivery_changed</c>). A singleton of the composition, so the ingest's sink can hold it before the client API's
/// stage has opened the log; until then (and after it stops) what they report is not recorded, as nobody could have
/// read it.
/// </summary>
internal sealed class EventHooks
{
    private readonly AfterFetchNotices _afterFetch = new();
    private volatile Attached? _attached;

    /// <summary>The log and the directory that says whose hash is whose, once the stage opened them.</summary>
    public void Attach(EventLog log, UserDirectory users, LabelIndex labels, PolicyStore policies) => _attached = new Attached(log, users, labels, policies);

    public void Detach() => _attached = null;

    /// <summary>The event log the hooks append to, while attached (tests read its counters).</summary>
    internal EventLog? Log => _attached?.Log;

    /// <summary>The log and the owner of <paramref name="hash"/>, when someone registered it: one lookup, and an event is built only then.</summary>
    private bool TryOwner(RecipientHash hash, out EventLog log, out string user)
    {
        if (_attached is { } attached && attached.Users.OwnerOf(hash) is { } owner)
        {
            (log, user) = (attached.Log, owner);
            return true;
        }

        (log, user) = (null!, null!);
        return false;
    }

    /// <summary>
    /// The pending table filed <paramref name="record"/> as a new reference: <c>received</c>, once per capability
    /// however many ingest loops saw its retransmissions, since the table inserts a capability once. For a reference
    /// pulled at once (<paramref name="pullNow"/>) the line is handed back to ride the pull's journal record: the log writes
    /// it without a flush of its own once that record is durable, so its flush no longer runs beside the journal's write
    /// on the way to the fetch; when no record takes it (the pull was queued, or waited before its record) it is written
    /// and flushed as any other. Either way it keeps its place in the user's sequence (docs/ARCHITECTURE.md §5.6).
    /// </summary>
    public PullAnnotation? Filed(in NotificationRecord record, bool pullNow)
    {
        if (!TryOwner(record.RecipientHash, out var log, out var user))
        {
            return null;
        }

        var e = UserEvents.ReferenceReceived(record);
        if (!pullNow)
        {
            log.Append(user, e);
            return null;
        }

        var annotation = new PullAnnotation();
        annotation.Line = log.AppendRecorded(user, e, annotation.Carried, annotation.Flushed);
        return annotation.Line.IsEmpty ? null : annotation;
    }

    /// <summary>
    /// A reference left the pending table: a retraction notice matched it (<c>retracted</c>) or its transit expiry
    /// passed (<c>expired</c>, from the expiry sweep or a pull that found it gone). A fetch is told by <c>pulled</c>
    /// and an ignore by the action's own <c>ignored</c>.
    /// </summary>
    public void Removed(FetchCapability capability, RecipientHash hash, PendingRemoval reason)
    {
        if (reason is not (PendingRemoval.Retracted or PendingRemoval.Expired) || !TryOwner(hash, out var log, out var user))
        {
            return;
        }

        log.Append(user, reason == PendingRemoval.Retracted
            ? UserEvents.ReferenceRetracted(capability.ToString(), afterFetch: false)
            : UserEvents.ReferenceExpired(capability.ToString()));
    }

    /// <summary>
    /// A retraction notice with <c>after_fetch</c> (S2S §11: a request to the recipient's client, which the pending table
    /// leaves alone) for a message the node stored for the owner of its hash: <c>retracted</c> with <c>afterFetch</c>,
    /// once per capability while the notice is retransmitted (a restart may repeat it; clients apply it idempotently).
    /// </summary>
    public void RetractedAfterFetch(in RetractionRecord record)
    {
        if (_attached is not { } attached || attached.Users.OwnerOf(record.RecipientHash) is not { } user)
        {
            return;
        }

        var id = record.Capability.ToString();
        if (attached.Labels.Find(user, id) is { } entry
            && entry.Hash == record.RecipientHash.ToString()
            && string.Equals(entry.SenderDomain, System.Text.Encoding.ASCII.GetString(record.SenderDomain), StringComparison.OrdinalIgnoreCase)
            && _afterFetch.FirstTime(record.Capability))
        {
            attached.Log.Append(user, UserEvents.ReferenceRetracted(id, afterFetch: true));
        }
    }

    /// <summary>A delivery of a message the user sent left Outstanding (the sender's delivery journal): <c>delivery_changed</c>.</summary>
    public void DeliveryChanged(DeliveryTransition transition)
    {
        if (_attached is { } attached && attached.Users.Knows(transition.Account))
        {
            // Deferred: a sender's every fetched delivery would otherwise cost the log a flush of its own.
            attached.Log.AppendDeferred(transition.Account, UserEvents.DeliveryStateChanged(
                transition.MessageId.ToString(), Submissions.DeliveryIds.Of(transition.Capability), UserEvents.StateName(transition.State)));
        }
    }

    /// <summary>
    /// The message store is about to commit a new message: <c>pulled</c>, with the labels a new message gets. The event's
    /// line rides in the store's commit record (returned here), is written to the log once <paramref name="durable"/> (the
    /// commit) has completed and is readable then, without a flush of the log's own in between; after a crash the stage
    /// puts back from the records a line the log lost (docs/ARCHITECTURE.md §5.2).
    /// </summary>
    public ReadOnlyMemory<byte> Stored(StoredMessage message, Task durable)
    {
        if (_attached is { } attached && attached.Users.OwnerOf(message.RecipientHash) is { } user)
        {
            var labels = attached.Labels.Stored(user, message, durable);
            return attached.Log.AppendRecorded(user, UserEvents.MessageStored(message, labels), durable);
        }

        return default;
    }

    /// <summary>
    /// What the owner of <paramref name="hash"/> wants done with a reference of <paramref name="size"/> bytes when it is
    /// above their large-transfer size (<c>defer</c>, <c>pull</c>, <c>ignore</c>), or null. Only hashes someone registered
    /// cost a lookup.
    /// </summary>
    public string? LargeTransfer(RecipientHash hash, long size) =>
        _attached is { } attached && attached.Users.OwnerOf(hash) is { } user ? attached.Policies.LargeTransfer(user, size) : null;

    private sealed record Attached(EventLog Log, UserDirectory Users, LabelIndex Labels, PolicyStore Policies);
}
