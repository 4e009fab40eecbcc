namespace Tern.Engine.Protocol.Envelopes;

/// <summary>Why the bytes of a signed envelope are malformed (docs/PROTOCOL.md §15.1); <see cref="None"/> means well-formed.</summary>
public enum EnvelopeError : byte
{
    /// <summary>Well-formed (the signature is checked by <see cref="EnvelopeVerification"/>).</summary>
    None = 0,

    /// <summary>Shorter than its fields, or a short string runs past the end.</summary>
    Truncated,

    /// <summary>Bytes left over after the signature.</summary>
    TrailingBytes,

    /// <summary>The version byte is not 1.</summary>
    UnknownVersion,

    /// <summary>A reserved flag bit is set.</summary>
    ReservedFlags,

    /// <summary>A time or size above 2^63 − 1.</summary>
    ValueOutOfRange,

    /// <summary>The sender address is not <c>local@domain</c> (§14.1).</summary>
    BadSenderAddress,

    /// <summary>The MIME type is longer than 127 bytes or not printable ASCII.</summary>
    BadMimeType,

    /// <summary>The payload cipher is not one §15.5 defines, or its content key does not fit it (a key with no cipher).</summary>
    BadPayloadCipher,
}
