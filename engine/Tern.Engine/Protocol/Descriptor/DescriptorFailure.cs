namespace Tern.Engine.Protocol.Descriptor;

/// <summary>
/// Why a signed descriptor document was refused (docs/PROTOCOL.md §6.1–6.2); <see cref="None"/> means it verified.
/// The checks run in the order the members are listed.
/// </summary>
public enum DescriptorFailure : byte
{
    /// <summary>Verified.</summary>
    None = 0,
    /// <summary>The document is over 16 KiB or the descriptor over 8 KiB.</summary>
    TooLarge,
    /// <summary>Not a single well-formed JSON object in UTF-8.</summary>
    NotJson,
    /// <summary>Objects and arrays nest deeper than <see cref="DescriptorLimits.MaxJsonDepth"/>.</summary>
    TooDeep,
    /// <summary>An object names the same property twice, which would make the signed bytes ambiguous.</summary>
    DuplicateProperty,
    /// <summary>A required field is absent (one given as <c>null</c> is an <see cref="InvalidField"/>, §6.1).</summary>
    MissingField,
    /// <summary><c>descriptor</c> or <c>signature</c> is not canonical unpadded base64url, or the signature is not 64 bytes.</summary>
    BadBase64,
    /// <summary><c>version</c> is not 1.</summary>
    UnsupportedVersion,
    /// <summary>A field has the wrong type (<c>null</c> included) or breaks a §6.1 rule; the detail names it.</summary>
    InvalidField,
    /// <summary>The signature does not verify with the descriptor's own <c>signing_key</c>.</summary>
    BadSignature,
    /// <summary>A descriptor in a key rotation whose <c>rotation_signature</c> does not verify with the other signing key (§16.3).</summary>
    BadRotationSignature,
    /// <summary>
    /// The fingerprint of <c>signing_key</c> is none of the trusted ones (DNS TXT or cache), nor — in a rotated descriptor's
    /// window — that of <c>previous_signing_key</c> (§16.3).
    /// </summary>
    FingerprintMismatch,
    /// <summary><c>domain</c> is not the domain asked for.</summary>
    DomainMismatch,
    /// <summary><c>expires_at</c> is not in the future.</summary>
    Expired,
}
