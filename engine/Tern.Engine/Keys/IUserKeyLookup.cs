using Tern.Engine.Protocol;

namespace Tern.Engine.Keys;

/// <summary>
/// The key bundles a domain publishes for its users, by address hash (docs/PROTOCOL.md §14.4): what the fetch doors
/// serve to other domains. The bytes are the bundle exactly as signed, never re-encoded.
/// </summary>
public interface IUserKeyLookup
{
    /// <summary>The published bundle for <paramref name="addressHash"/>; false when nothing is published for it.</summary>
    bool TryGetBundle(Bytes32 addressHash, out ReadOnlyMemory<byte> bundle);
}
