using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

/// <summary>An acknowledged submission: durable in the bucket log and the journal when this is returned.</summary>
public sealed class SubmissionResult
{
    internal SubmissionResult(MessageId messageId, FetchCapability[] capabilities, long size, Bytes32 payloadHash, DateTimeOffset transitExpiry)
    {
        MessageId = messageId;
        Capabilities = capabilities;
        Size = size;
        PayloadHash = payloadHash;
        TransitExpiry = transitExpiry;
    }

    /// <summary>The blob's message id (docs/PROTOCOL.md §7).</summary>
    public MessageId MessageId { get; }

    /// <summary>One capability per recipient, in the order of <see cref="SubmissionRequest.Recipients"/>.</summary>
    public IReadOnlyList<FetchCapability> Capabilities { get; }

    /// <summary>Payload size in bytes.</summary>
    public long Size { get; }

    /// <summary>The payload hash (docs/PROTOCOL.md §4.8).</summary>
    public Bytes32 PayloadHash { get; }

    /// <summary>The transit expiry, at millisecond precision as stored.</summary>
    public DateTimeOffset TransitExpiry { get; }
}
