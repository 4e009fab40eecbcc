namespace Tern.Engine.Protocol.UserKeys;

/// <summary>
/// Whether a well-formed, signed key record may be used (docs/PROTOCOL.md §14.5): what the bytes alone cannot say.
/// <see cref="Valid"/> means usable now.
/// </summary>
public enum UserKeyVerdict : byte
{
    /// <summary>Usable: signed by the address's domain, for that address, inside its validity, not revoked.</summary>
    Valid = 0,

    /// <summary>Signed by a key that is not the signing key of the address's domain (its descriptor, §6).</summary>
    WrongDomainKey,

    /// <summary>The record is for another address than the one looked up or claimed.</summary>
    WrongAddress,

    /// <summary>Before <c>not_before</c>.</summary>
    NotYetValid,

    /// <summary>At or after <c>not_after</c>.</summary>
    Expired,

    /// <summary>A revocation signed by the same domain names the record's fingerprint.</summary>
    Revoked,

    /// <summary>No record at all (an empty answer, or only revocations).</summary>
    NoRecord,
}
