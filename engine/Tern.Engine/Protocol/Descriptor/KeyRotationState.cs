namespace Tern.Engine.Protocol.Descriptor;

/// <summary>The rotation state of a descriptor (docs/PROTOCOL.md §16.1).</summary>
public enum KeyRotationState : byte
{
    /// <summary>No rotation fields: before any rotation, or after the window (the after state).</summary>
    None = 0,
    /// <summary>Signed by the old key, naming the next keys and the window.</summary>
    Announced,
    /// <summary>Signed by the new key, naming the previous keys, accepted until <c>previous_until</c>.</summary>
    Rotated,
}
