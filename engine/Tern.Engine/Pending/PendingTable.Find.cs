using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

public sealed partial class PendingTable
{
    /// <summary>
    /// The live reference filed under <paramref name="capability"/>, or null when it is not pending (unknown, removed or
    /// past its transit expiry). Two point reads (the capability store names the hash and sequence, the reference store
    /// holds the record), so a client's action on one reference or a listing across many hashes costs the same whatever
    /// the number of hashes.
    /// </summary>
    /// <param name="capability">The reference's fetch capability.</param>
    /// <param name="hash">The recipient hash it is filed under (for a caller that must check whose it is); default when null is returned.</param>
    public PendingReference? Find(FetchCapability capability, out RecipientHash hash)
    {
        hash = default;
        ThrowIfDisposed();
        var key = capability.Value;
        var now = NowMs;
        _gate.EnterReadLock();
        var session = _sessions.Rent();
        try
        {
            if (!session.TryReadCapability(ref key, out var entry) || entry.IsTombstone || entry.UntilMs <= now)
            {
                return null;
            }

            var refKey = new RefKey(entry.RecipientHash, entry.Sequence);
            if (!session.TryReadRef(ref refKey, out var value) || ReferenceCodec.ReadExpiry(value) <= now || ReferenceCodec.Read(value, entry.Sequence, _profiles) is not { } reference)
            {
                return null;
            }

            hash = new RecipientHash(entry.RecipientHash);
            return reference;
        }
        finally
        {
            _sessions.Return(session);
            _gate.ExitReadLock();
        }
    }
}
