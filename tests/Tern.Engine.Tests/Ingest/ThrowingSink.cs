using System.Collections.Concurrent;
using Tern.Engine.Ingest;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Tests.Ingest;

/// <summary>Files what it is given, except records whose capability is poisoned: for those it throws.</summary>
internal sealed class ThrowingSink : INotificationSink, IPullPreferences
{
    public ConcurrentDictionary<FetchCapability, byte> Poisoned { get; } = new();

    public ConcurrentQueue<FetchCapability> Accepted { get; } = new();

    public DropReason Accept(in NotificationRecord record, ReadOnlySpan<byte> senderKey, PullPreference preference, long nowMs)
    {
        if (Poisoned.ContainsKey(record.Capability))
        {
            throw new InvalidOperationException("the pending table failed");
        }

        Accepted.Enqueue(record.Capability);
        return DropReason.None;
    }

    public bool Retract(in RetractionRecord record, ReadOnlySpan<byte> senderKey, long nowMs) => false;

    public PullPreference Lookup(RecipientHash recipientHash, ReadOnlySpan<byte> senderDomain) => PullPreference.WhenRequested;
}
