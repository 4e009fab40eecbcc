using Tern.Engine.Ingest;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Tests.Ingest;

/// <summary>A sink and preference table that remember what reached them.</summary>
internal sealed class RecordingSink : INotificationSink, IPullPreferences
{
    public List<FetchCapability> Accepted { get; } = [];
    public List<FetchCapability> Retracted { get; } = [];
    public List<FetchCapability> Prefetched { get; } = [];
    public List<byte[]> SenderKeys { get; } = [];
    public Dictionary<string, PullPreference> Preferences { get; } = new(StringComparer.Ordinal);
    public DropReason NextResult { get; set; } = DropReason.None;
    public bool Recording { get; set; } = true;

    public DropReason Accept(in NotificationRecord record, ReadOnlySpan<byte> senderKey, PullPreference preference, long nowMs)
    {
        if (Recording && NextResult == DropReason.None)
        {
            Accepted.Add(record.Capability);
            SenderKeys.Add(senderKey.ToArray());
        }

        return NextResult;
    }

    public void Prefetch(ReadOnlySpan<FetchCapability> capabilities, ReadOnlySpan<RecipientHash> recipientHashes)
    {
        if (Recording)
        {
            Assert.Equal(capabilities.Length, recipientHashes.Length);
            Prefetched.AddRange(capabilities.ToArray());
        }
    }

    /// <summary>What <see cref="Retract"/> answers: whether the notice removed a reference.</summary>
    public bool RetractResult { get; set; } = true;

    public bool Retract(in RetractionRecord record, ReadOnlySpan<byte> senderKey, long nowMs)
    {
        if (Recording)
        {
            Retracted.Add(record.Capability);
        }

        return RetractResult;
    }

    public PullPreference Lookup(RecipientHash recipientHash, ReadOnlySpan<byte> senderDomain)
        => Preferences.Count > 0 && Preferences.TryGetValue(System.Text.Encoding.ASCII.GetString(senderDomain), out var preference) ? preference : PullPreference.WhenRequested;
}
