using Tern.Engine.Ingest;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Engine.Pending;

namespace Tern.ClientApi.Polling;

/// <summary>The ingest's sink with the long polls' wake-up: each record the inner sink filed signals its recipient hash.</summary>
internal sealed class SignallingSink : INotificationSink
{
    private readonly INotificationSink _inner;
    private readonly ReferenceSignals _signals;

    public SignallingSink(INotificationSink inner, ReferenceSignals signals)
    {
        _inner = inner;
        _signals = signals;
    }

    public DropReason Accept(in NotificationRecord record, ReadOnlySpan<byte> senderKey, PullPreference preference, long nowMs)
    {
        var reason = _inner.Accept(record, senderKey, preference, nowMs);
        if (reason == DropReason.None)
        {
            // A retransmission of a filed reference signals too: the waiter polls, finds nothing new and waits again.
            _signals.Filed(record.RecipientHash);
        }

        return reason;
    }

    public void Prefetch(ReadOnlySpan<FetchCapability> capabilities, ReadOnlySpan<RecipientHash> recipientHashes) => _inner.Prefetch(capabilities, recipientHashes);

    public void BeginRecords() => _inner.BeginRecords();

    public void EndRecords() => _inner.EndRecords();

    public bool Retract(in RetractionRecord record, ReadOnlySpan<byte> senderKey, long nowMs) => _inner.Retract(record, senderKey, nowMs);
}
