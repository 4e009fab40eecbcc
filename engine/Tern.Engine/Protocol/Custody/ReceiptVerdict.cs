namespace Tern.Engine.Protocol.Custody;

/// <summary>What a sender concludes from a receipt answering its offer (docs/PROTOCOL.md §10.5); only <see cref="Valid"/> transfers.</summary>
public enum ReceiptVerdict : byte
{
    /// <summary>The receipt verifies and matches the offer: the deliveries are the gateway's.</summary>
    Valid = 0,

    /// <summary>The bytes are not a receipt, or its signature does not verify under the key it names (§10.1).</summary>
    Malformed,

    /// <summary>The signing key is not the gateway domain's (from its verified descriptor).</summary>
    WrongKey,

    /// <summary>A field differs from the offer: message id, payload hash or size, recipient domain or gateway domain.</summary>
    FieldMismatch,

    /// <summary><c>honoured_expiry</c> is before the offer's <c>requested_expiry</c>.</summary>
    ExpiryTooShort,

    /// <summary><c>accepted_at</c> is after now, beyond the clock skew of §4.4.</summary>
    AcceptedInFuture,
}
