using FASTER.core;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

public sealed partial class PendingTable
{
    /// <summary>
    /// The recipient hashes that have live references, read from the capability store. What the table recovered is
    /// the durable record of what waits to be pulled: a start walks it to queue again the pulls a stop or a crash cut,
    /// since a sender's retransmission of a reference already filed is a duplicate that queues nothing. A scan of the
    /// whole store: run it at start, not per request.
    /// </summary>
    public IReadOnlyCollection<RecipientHash> LiveRecipientHashes()
    {
        ThrowIfDisposed();
        var hashes = new HashSet<RecipientHash>();
        _gate.EnterReadLock();
        try
        {
            var functions = new SimpleFunctions<Bytes32, CapabilityEntry>();
            using var session = _capabilities.For(functions).NewSession(functions);
            using var iterator = session.Iterate();
            while (iterator.GetNext(out var info))
            {
                ref var entry = ref iterator.GetValue();
                if (!info.Tombstone && !entry.IsTombstone)
                {
                    hashes.Add(new RecipientHash(entry.RecipientHash));
                }
            }
        }
        finally
        {
            _gate.ExitReadLock();
        }

        return hashes;
    }
}
