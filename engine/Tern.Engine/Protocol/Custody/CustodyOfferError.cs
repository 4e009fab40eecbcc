namespace Tern.Engine.Protocol.Custody;

/// <summary>Why a custody offer was rejected (docs/PROTOCOL.md §10.2); <see cref="None"/> means valid.</summary>
public enum CustodyOfferError : byte
{
    /// <summary>Valid.</summary>
    None = 0,

    /// <summary>Shorter than its fields, or a short string or the hash list runs past the end.</summary>
    Truncated,

    /// <summary>Bytes left over after the signature.</summary>
    TrailingBytes,

    /// <summary>The version byte is not 1.</summary>
    UnknownVersion,

    /// <summary>A size or time above 2^63 − 1, which cannot be real.</summary>
    ValueOutOfRange,

    /// <summary><c>sender_domain</c> is not a valid domain name (§2.4).</summary>
    BadSenderDomain,

    /// <summary><c>recipient_domain</c> is not a valid domain name (§2.4).</summary>
    BadRecipientDomain,

    /// <summary><c>gateway_domain</c> is not a valid domain name (§2.4).</summary>
    BadGatewayDomain,

    /// <summary><c>mime_hint</c> is longer than 127 bytes or not printable ASCII (§4.2).</summary>
    BadMimeHint,

    /// <summary><c>recipient_count</c> is 0 or more than 1000.</summary>
    BadRecipientCount,

    /// <summary>A recipient hash is listed twice.</summary>
    DuplicateRecipient,

    /// <summary><c>requested_expiry</c> is not after <c>offered_at</c>.</summary>
    ExpiryNotAfterOffer,

    /// <summary>The signature does not verify with <c>sender_signing_key</c>.</summary>
    BadSignature,
}
