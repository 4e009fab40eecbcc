using Tern.Engine.Protocol;

namespace Tern.Engine.Bulk;

/// <summary>
/// One blob of a bulk session as its manifest describes it (docs/PROTOCOL.md §17.3): what the receiving gateway needs to
/// hold it and notify in the sender's place, the same fields as a custody offer (§10.2).
/// </summary>
/// <param name="MessageId">The blob's id at the sending gateway.</param>
/// <param name="PayloadHash">Its payload hash (§4.8).</param>
/// <param name="PayloadSize">Its length in bytes.</param>
/// <param name="ExpiryMs">The expiry the receiving gateway is to honour, ms since the epoch.</param>
/// <param name="SenderDomain">The domain that submitted the blob (the account it is held for).</param>
/// <param name="RecipientDomain">The domain the receiving gateway notifies.</param>
/// <param name="MimeHint">The MIME hint of its notifications, "" for none.</param>
/// <param name="RecipientHashes">One per delivery to <paramref name="RecipientDomain"/>.</param>
public sealed record BulkManifestEntry(
    MessageId MessageId,
    Bytes32 PayloadHash,
    long PayloadSize,
    long ExpiryMs,
    string SenderDomain,
    string RecipientDomain,
    string MimeHint,
    IReadOnlyList<RecipientHash> RecipientHashes)
{
    /// <summary>Bytes of this entry in a manifest.</summary>
    public int EncodedLength => Bytes32.Size + Bytes32.Size + 8 + 8 + 1 + SenderDomain.Length + 1 + RecipientDomain.Length + 1 + MimeHint.Length + 2 + (RecipientHashes.Count * Bytes32.Size);
}
