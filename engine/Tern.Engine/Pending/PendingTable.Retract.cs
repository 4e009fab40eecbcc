using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

public sealed partial class PendingTable
{
    /// <summary>
    /// Applies a retraction notice (docs/PROTOCOL.md §11): removes the pending reference of <paramref name="capability"/>
    /// and leaves a tombstone, but only if it is filed under <paramref name="hash"/> and was notified from
    /// <paramref name="senderKey"/>. Whoever learns a capability cannot retract it from another key.
    /// </summary>
    /// <returns>True when a reference was removed; false when none matches (unknown, already removed, another hash or key).</returns>
    /// <exception cref="ArgumentException">The sender key is not 32 bytes.</exception>
    public bool Retract(FetchCapability capability, RecipientHash hash, ReadOnlySpan<byte> senderKey, long nowMs)
    {
        if (senderKey.Length != Bytes32.Size)
        {
            throw new ArgumentException($"The sender key is {Bytes32.Size} bytes, got {senderKey.Length}.", nameof(senderKey));
        }

        ThrowIfDisposed();
        var key = capability.Value;
        _gate.EnterReadLock();
        var session = _sessions.Rent();
        try
        {
            // Lock is reentrant: RemoveLocked takes the same capability lock, so nothing changes between the check and the removal.
            lock (CapabilityLock(ref key))
            {
                if (!session.TryReadCapability(ref key, out var entry) || entry.IsTombstone || entry.RecipientHash != hash.Value)
                {
                    return false;
                }

                var refKey = new RefKey(entry.RecipientHash, entry.Sequence);
                if (!session.TryReadRef(ref refKey, out var stored) || !ReferenceCodec.ReadSenderKey(stored, _profiles).SequenceEqual(senderKey))
                {
                    return false;
                }

                return RemoveLocked(session, ref key, PendingRemoval.Retracted, nowMs, onlyIfExpiredBy: long.MaxValue);
            }
        }
        finally
        {
            _sessions.Return(session);
            _gate.ExitReadLock();
        }
    }
}
