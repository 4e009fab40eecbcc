using Tern.Engine.Protocol.Receipts;

namespace Tern.Engine.Protocol.Custody;

/// <summary>
/// The sender's check of a receipt against the offer it answers (docs/PROTOCOL.md §10.5): a receipt for another blob,
/// another domain, a shorter expiry or under another key does not end the sender's obligation.
/// </summary>
public static class CustodyReceiptCheck
{
    /// <summary>The clock skew tolerated on <c>accepted_at</c>, as on datagrams (§4.4).</summary>
    public static readonly TimeSpan Skew = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Checks <paramref name="receiptBytes"/> against <paramref name="offer"/>, with <paramref name="gatewaySigningKeys"/> the
    /// signing keys the gateway domain's verified descriptor names now (its key, and in a rotation's window the other one,
    /// §16.3). <paramref name="receipt"/> is set whenever the bytes parse.
    /// </summary>
    public static ReceiptVerdict Check(CustodyOffer offer, ReadOnlySpan<byte> receiptBytes, IReadOnlyCollection<Bytes32> gatewaySigningKeys, DateTimeOffset now, out ResponsibilityReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(gatewaySigningKeys);
        if (!ResponsibilityReceipt.TryParse(receiptBytes, out receipt, out _))
        {
            return ReceiptVerdict.Malformed;
        }

        if (!gatewaySigningKeys.Contains(receipt.GatewaySigningKey))
        {
            return ReceiptVerdict.WrongKey;
        }

        if (receipt.MessageId != offer.MessageId || receipt.PayloadHash != offer.PayloadHash || receipt.PayloadSize != offer.PayloadSize
            || !string.Equals(receipt.RecipientDomain, offer.RecipientDomain, StringComparison.Ordinal)
            || !string.Equals(receipt.GatewayDomain, offer.GatewayDomain, StringComparison.Ordinal))
        {
            return ReceiptVerdict.FieldMismatch;
        }

        if (receipt.HonouredExpiryMs < offer.RequestedExpiryMs)
        {
            return ReceiptVerdict.ExpiryTooShort;
        }

        // No lower bound: a repeated offer (§10.4) is answered with the receipt of the first commit, made before it.
        if (receipt.AcceptedAtMs > now.ToUnixTimeMilliseconds() + (long)Skew.TotalMilliseconds)
        {
            return ReceiptVerdict.AcceptedInFuture;
        }

        return ReceiptVerdict.Valid;
    }
}
