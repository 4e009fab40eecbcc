namespace Tern.Engine.Protocol.Envelopes;

/// <summary>
/// What the recipient's client concluded about a signed envelope (docs/PROTOCOL.md §15.4), in the order it checks;
/// only <see cref="Valid"/> lets the message be shown as from its sender.
/// </summary>
public enum EnvelopeVerdict : byte
{
    /// <summary>Signed by the sender's current key, which the sender's domain vouches for; for this recipient.</summary>
    Valid = 0,

    /// <summary>The bytes are not an envelope (<see cref="EnvelopeError"/> says why).</summary>
    Malformed,

    /// <summary>The sender's domain published no record with the fingerprint the envelope names.</summary>
    UnknownSenderKey,

    /// <summary>The key record is signed by a key that is not the sender domain's (its descriptor).</summary>
    KeyRecordWrongDomain,

    /// <summary>The key record is for another address than the envelope's sender.</summary>
    KeyRecordWrongAddress,

    /// <summary>The key record's validity has not begun.</summary>
    KeyRecordNotYetValid,

    /// <summary>The key record's validity has ended.</summary>
    KeyRecordExpired,

    /// <summary>The sender's domain revoked the key record.</summary>
    KeyRecordRevoked,

    /// <summary>The signature does not verify with the record's signing key: forged, altered, or signed by another key.</summary>
    BadSignature,

    /// <summary>The envelope is addressed to another recipient hash than the one the message was filed under.</summary>
    WrongRecipient,

    /// <summary>The payload's size or hash is not what the envelope says.</summary>
    PayloadMismatch,

    /// <summary>
    /// The payload does not decrypt with the envelope's content key (§15.5): the sender signed a key that is not the
    /// payload's, or the payload is not of its cipher. Nothing of it is shown.
    /// </summary>
    PayloadUndecryptable,
}
