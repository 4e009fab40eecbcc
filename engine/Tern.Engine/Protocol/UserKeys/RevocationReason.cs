namespace Tern.Engine.Protocol.UserKeys;

/// <summary>Why a user key was revoked (docs/PROTOCOL.md §14.3). Informational: a revoked key is revoked whatever the reason.</summary>
public enum RevocationReason : byte
{
    /// <summary>No reason given.</summary>
    Unspecified = 0,

    /// <summary>Rotation: a new record replaces it.</summary>
    Superseded = 1,

    /// <summary>The secret key is, or may be, known to someone else.</summary>
    Compromised = 2,

    /// <summary>The user left the domain.</summary>
    Retired = 3,
}
