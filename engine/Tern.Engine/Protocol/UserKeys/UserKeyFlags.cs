namespace Tern.Engine.Protocol.UserKeys;

/// <summary>Flags of a user key record (docs/PROTOCOL.md §14.2).</summary>
[Flags]
public enum UserKeyFlags : byte
{
    /// <summary>None set.</summary>
    None = 0,

    /// <summary>The domain generated the key and holds its secrets: it can read what is sealed to it (disclosed to senders).</summary>
    Escrow = 1,
}
