namespace Tern.Engine.Protocol.Descriptor;

/// <summary>Why a TXT value at <c>_tern.&lt;domain&gt;</c> was refused (docs/PROTOCOL.md §6.3); <see cref="None"/> means it parsed.</summary>
public enum TxtRecordFailure : byte
{
    /// <summary>Parsed; at least one fingerprint.</summary>
    None = 0,
    /// <summary>The first pair is not <c>v=…</c>: not a Tern record (another TXT record at the same name, say).</summary>
    NotTern,
    /// <summary>The first pair is <c>v=</c> something other than <c>tern1</c>.</summary>
    UnsupportedVersion,
    /// <summary>A segment is not <c>name=value</c>, or <c>v</c> appears again after the first pair.</summary>
    Malformed,
    /// <summary>An <c>fp=</c> value is not 32 bytes of canonical base64url.</summary>
    BadFingerprint,
    /// <summary>No <c>fp=</c> pair: nothing to check a descriptor against.</summary>
    NoFingerprint,
}
