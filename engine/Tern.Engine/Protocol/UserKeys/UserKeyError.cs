namespace Tern.Engine.Protocol.UserKeys;

/// <summary>
/// Why the bytes of a user key record, a revocation or a key bundle were refused (docs/PROTOCOL.md §14.2–14.4);
/// <see cref="None"/> means well-formed and signed by the key they name.
/// </summary>
public enum UserKeyError : byte
{
    /// <summary>Well-formed, and the signature verifies with the embedded domain signing key.</summary>
    None = 0,

    /// <summary>Shorter than its fields, or a length runs past the end.</summary>
    Truncated,

    /// <summary>Bytes left over after the signature (or after the last entry of a bundle).</summary>
    TrailingBytes,

    /// <summary>The version byte is not 1.</summary>
    UnknownVersion,

    /// <summary>The kind byte is neither 1 (key record) nor 2 (revocation).</summary>
    UnknownKind,

    /// <summary>The algorithm byte is not 1 (Ed25519 signing, X25519 agreement).</summary>
    UnknownAlgorithm,

    /// <summary>A reserved flag bit is set.</summary>
    ReservedFlags,

    /// <summary>A revocation reason above 3.</summary>
    UnknownReason,

    /// <summary>A time above 2^63 − 1.</summary>
    ValueOutOfRange,

    /// <summary><c>not_after</c> is not after <c>not_before</c>.</summary>
    EmptyValidity,

    /// <summary>The address is not <c>local@domain</c> (§14.1).</summary>
    BadAddress,

    /// <summary>The signature does not verify with the embedded <c>domain_signing_key</c>.</summary>
    BadSignature,

    /// <summary>A bundle with no entries or more than 16.</summary>
    BadCount,

    /// <summary>Bundle entries that are not all for the same address under the same domain key.</summary>
    MixedBundle,
}
