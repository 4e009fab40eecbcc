using FASTER.core;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

public sealed partial class PendingTable
{
    /// <summary>
    /// After a checkpoint a crash interrupted (the counters' versions do not match the stores'): the three stores are
    /// checkpointed one after another, so the capability store may come back newer than the reference store, with entries
    /// whose reference was never checkpointed. Such an entry is not listed, yet makes every retransmission of its
    /// capability a duplicate (docs/PROTOCOL.md §4.5), so the reference would never be filed again. Each live entry whose
    /// reference is missing is deleted: the sender's next retransmission files it anew (docs/ARCHITECTURE.md §3.5).
    /// Runs in the constructor, before anything else uses the table.
    /// </summary>
    private void DropOrphanedCapabilities()
    {
        var candidates = new List<(Bytes32 Capability, RefKey Reference)>();
        var functions = new SimpleFunctions<Bytes32, CapabilityEntry>();
        using (var scan = _capabilities.For(functions).NewSession(functions))
        using (var iterator = scan.Iterate())
        {
            while (iterator.GetNext(out var info))
            {
                ref var entry = ref iterator.GetValue();
                if (!info.Tombstone && !entry.IsTombstone)
                {
                    candidates.Add((iterator.GetKey(), new RefKey(entry.RecipientHash, entry.Sequence)));
                }
            }
        }

        var dropped = 0;
        var session = _sessions.Rent();
        try
        {
            foreach (var (capability, reference) in candidates)
            {
                var key = reference;
                if (!session.TryReadRef(ref key, out _))
                {
                    var orphan = capability;
                    session.DeleteCapability(ref orphan);
                    dropped++;
                }
            }
        }
        finally
        {
            _sessions.Return(session);
        }

        if (dropped > 0)
        {
            PendingLogMessages.OrphansDropped(_logger, dropped);
        }
    }
}
