using Tern.Engine.Protocol;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.Engine.Keys;

/// <summary>
/// What a publication, rotation or revocation did to a user's keys (docs/PROTOCOL.md §14.2–14.3): the fingerprint now
/// current (zero when none), the one before it (zero when none), and why it changed.
/// </summary>
public readonly record struct UserKeyChange(Bytes32 Fingerprint, Bytes32 Previous, RevocationReason? Reason, long AtMs, byte[] Bundle);
