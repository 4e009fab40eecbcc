using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Pending;

/// <summary>One pending reference as a poll returns it: "a blob waits for you at the sender, fetch it with this capability".</summary>
public sealed class PendingReference
{
    internal PendingReference(
        FetchCapability capability,
        string senderDomain,
        Bytes32 senderKey,
        long transitExpiryMs,
        long payloadSize,
        Bytes32 payloadHash,
        string mimeHint,
        IReadOnlyList<string> fetchHints,
        long receivedAtMs,
        ulong sequence,
        ushort attempt,
        NotificationFlags flags)
    {
        Capability = capability;
        SenderDomain = senderDomain;
        SenderKey = senderKey;
        TransitExpiryMs = transitExpiryMs;
        PayloadSize = payloadSize;
        PayloadHash = payloadHash;
        MimeHint = mimeHint;
        FetchHints = fetchHints;
        ReceivedAtMs = receivedAtMs;
        Sequence = sequence;
        Attempt = attempt;
        Flags = flags;
    }

    /// <summary>The fetch capability of the delivery.</summary>
    public FetchCapability Capability { get; }

    /// <summary>The sender domain the record claimed (checked against its descriptor before a pull, docs/PROTOCOL.md §4.7).</summary>
    public string SenderDomain { get; }

    /// <summary>The agreement key the datagram came from (the sender's or a gateway's).</summary>
    public Bytes32 SenderKey { get; }

    /// <summary>Transit expiry, ms since the epoch.</summary>
    public long TransitExpiryMs { get; }

    /// <summary>Blob length in bytes.</summary>
    public long PayloadSize { get; }

    /// <summary>The payload hash of the blob (docs/PROTOCOL.md §4.8).</summary>
    public Bytes32 PayloadHash { get; }

    /// <summary>Sender-asserted MIME hint; empty when none.</summary>
    public string MimeHint { get; }

    /// <summary>Where the blob may be fetched (docs/PROTOCOL.md §8.5).</summary>
    public IReadOnlyList<string> FetchHints { get; }

    /// <summary>When this node first filed the reference, ms since the epoch.</summary>
    public long ReceivedAtMs { get; }

    /// <summary>Position in the recipient hash's sequence; poll cursors are sequences.</summary>
    public ulong Sequence { get; }

    /// <summary>The attempt number of the notification that filed it.</summary>
    public ushort Attempt { get; }

    /// <summary>Record flags of that notification.</summary>
    public NotificationFlags Flags { get; }
}
