using Tern.Engine.Ingest;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.ClientApi.Events;

/// <summary>
/// The ingest's sink with the event log: a record the pending table filed as new under a user's hash appends
/// <c>received</c>, and a retraction that removed one appends <c>retracted</c> (docs/C2S.md §15). New is told from a
/// retransmission by the table's count of inserts around the call; with several ingest loops an insert by another loop
/// in between can make a retransmission look new (a second <c>received</c> for the same capability, which clients
/// apply idempotently), never the other way round. It also applies the user's large-transfer policy before filing.
/// </summary>
internal sealed class EventingSink : INotificationSink
{
    private readonly INotificationSink _inner;
    private readonly PendingTableSink _table;
    private readonly EventHooks _hooks;

    public EventingSink(INotificationSink inner, PendingTableSink table, EventHooks hooks)
    {
        _inner = inner;
        _table = table;
        _hooks = hooks;
    }

    public DropReason Accept(in NotificationRecord record, ReadOnlySpan<byte> senderKey, PullPreference preference, long nowMs)
    {
        // The user's policy for large transfers (docs/C2S.md §13) overrides the preference above its size.
        switch (_hooks.LargeTransfer(record.RecipientHash, record.PayloadSize))
        {
            case "pull":
                preference = PullPreference.Immediately;
                break;
            case "defer":
                preference = PullPreference.WhenRequested;
                break;
            case "ignore":
                return DropReason.Ignored;
        }

        var before = _table.Inserted;
        var reason = _inner.Accept(record, senderKey, preference, nowMs);
        if (reason == DropReason.None && _table.Inserted != before && _hooks.IsWatched(record.RecipientHash))
        {
            _hooks.AppendFor(record.RecipientHash, UserEvents.ReferenceReceived(record));
        }

        return reason;
    }

    public void Prefetch(ReadOnlySpan<FetchCapability> capabilities, ReadOnlySpan<RecipientHash> recipientHashes) => _inner.Prefetch(capabilities, recipientHashes);

    public bool Retract(in RetractionRecord record, ReadOnlySpan<byte> senderKey, long nowMs)
    {
        var removed = _inner.Retract(record, senderKey, nowMs);
        if (removed)
        {
            _hooks.AppendFor(record.RecipientHash, UserEvents.ReferenceRetracted(record));
        }

        return removed;
    }
}
