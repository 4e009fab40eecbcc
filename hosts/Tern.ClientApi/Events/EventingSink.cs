using Tern.Engine.Ingest;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.ClientApi.Events;

/// <summary>
/// The ingest's sink with the user's policy and the event log (docs/C2S.md §13, §15): applies the user's large-transfer
/// policy before filing, and tells the hooks of a retraction with <c>after_fetch</c> for a stored message. What the
/// table files and removes reaches the log through the table's own callbacks (<see cref="PendingTableSink.Filed"/>,
/// <see cref="PendingTable.Removed"/>), so a record is told once however many ingest loops see it.
/// </summary>
internal sealed class EventingSink : INotificationSink
{
    private readonly INotificationSink _inner;
    private readonly EventHooks _hooks;

    public EventingSink(INotificationSink inner, EventHooks hooks)
    {
        _inner = inner;
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

        return _inner.Accept(record, senderKey, preference, nowMs);
    }

    public void Prefetch(ReadOnlySpan<FetchCapability> capabilities, ReadOnlySpan<RecipientHash> recipientHashes) => _inner.Prefetch(capabilities, recipientHashes);

    public void BeginRecords() => _inner.BeginRecords();

    public void EndRecords() => _inner.EndRecords();

    public bool Retract(in RetractionRecord record, ReadOnlySpan<byte> senderKey, long nowMs)
    {
        var removed = _inner.Retract(record, senderKey, nowMs);
        if (!removed && (record.Flags & RetractionFlags.AfterFetch) != 0)
        {
            _hooks.RetractedAfterFetch(record);
        }

        return removed;
    }
}
