namespace Tern.Engine.Protocol.Receipts;

/// <summary>Why a responsibility receipt was rejected (docs/PROTOCOL.md §10); <see cref="None"/> means valid.</summary>
public enum ReceiptError : byte
{
    /// <summary>Valid.</summary>
    None = 0,

    /// <summary>Shorter than its fields, or a short string runs past the end.</summary>
    Truncated,

    /// <summary>Bytes left over after the signature.</summary>
    TrailingBytes,

    /// <summary>The version byte is not 1.</summary>
    UnknownVersion,

    /// <summary>A size or time above 2^63 − 1, which cannot be real.</summary>
    ValueOutOfRange,

    /// <summary><c>recipient_domain</c> is not a valid domain name (§2.4).</summary>
    BadRecipientDomain,

    /// <summary><c>gateway_domain</c> is not a valid domain name (§2.4).</summary>
    BadGatewayDomain,

    /// <summary><c>honoured_expiry</c> is not after <c>accepted_at</c>.</summary>
    ExpiryNotAfterAcceptance,

    /// <summary>The signature does not verify with <c>gateway_signing_key</c>.</summary>
    BadSignature,
}
