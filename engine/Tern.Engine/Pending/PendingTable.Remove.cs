using System.Diagnostics;
using FASTER.core;
using Tern.Engine.Protocol;

namespace Tern.Engine.Pending;

public sealed partial class PendingTable
{
    private const int SweepBatch = 4096;

    /// <summary>Removes a pending reference and leaves a tombstone for the replay window (docs/PROTOCOL.md §4.5), using the configured clock.</summary>
    /// <returns>False when the capability is not pending (unknown, or already removed).</returns>
    public bool Remove(FetchCapability capability, PendingRemoval reason) => Remove(capability, reason, NowMs);

    /// <summary>Removes a pending reference as of <paramref name="nowMs"/>; the tombstone lasts until <paramref name="nowMs"/> plus the retention.</summary>
    public bool Remove(FetchCapability capability, PendingRemoval reason, long nowMs)
    {
        if (reason is not (PendingRemoval.Fetched or PendingRemoval.Retracted or PendingRemoval.Expired or PendingRemoval.Ignored))
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, "Fetched, Retracted, Expired or Ignored.");
        }

        ThrowIfDisposed();
        var key = capability.Value;
        _gate.EnterReadLock();
        var session = _sessions.Rent();
        try
        {
            return RemoveLocked(session, ref key, reason, nowMs, onlyIfExpiredBy: long.MaxValue);
        }
        finally
        {
            _sessions.Return(session);
            _gate.ExitReadLock();
        }
    }

    /// <summary>
    /// Removes every reference whose transit expiry is at or before <paramref name="nowMs"/> (leaving tombstones)
    /// and drops tombstones whose retention has passed. Scans the capability log, so run it periodically, not per
    /// request; operations continue meanwhile.
    /// </summary>
    /// <returns>The number of references expired.</returns>
    public int SweepExpired(long nowMs)
    {
        ThrowIfDisposed();
        var started = Stopwatch.GetTimestamp();
        var expired = 0;
        var dropped = 0;
        var candidates = new List<Bytes32>(SweepBatch);

        // The raw log holds every version of a key; a candidate is re-read under its lock before anything changes.
        // The scan stops at each full batch and resumes after it, so it never holds the log's epoch while the
        // batch is applied on a session.
        var address = _capabilities.Log.BeginAddress;
        var end = _capabilities.Log.TailAddress;
        while (address < end)
        {
            using (var iterator = _capabilities.Log.Scan(address, end))
            {
                address = end;
                while (iterator.GetNext(out RecordInfo info))
                {
                    if (info.Tombstone || iterator.GetValue().UntilMs > nowMs)
                    {
                        continue;
                    }

                    candidates.Add(iterator.GetKey());
                    if (candidates.Count == SweepBatch)
                    {
                        address = iterator.NextAddress;
                        break;
                    }
                }
            }

            Sweep(candidates, nowMs, ref expired, ref dropped);
        }

        PendingLogMessages.Swept(_logger, expired, dropped, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return expired;
    }

    private void Sweep(List<Bytes32> candidates, long nowMs, ref int expired, ref int dropped)
    {
        _gate.EnterReadLock();
        var session = _sessions.Rent();
        try
        {
            foreach (var candidate in candidates)
            {
                var key = candidate;
                if (RemoveLocked(session, ref key, PendingRemoval.Expired, nowMs, onlyIfExpiredBy: nowMs))
                {
                    expired++;
                    continue;
                }

                lock (CapabilityLock(ref key))
                {
                    if (session.TryReadCapability(ref key, out var entry) && entry.IsTombstone && entry.UntilMs <= nowMs)
                    {
                        session.DeleteCapability(ref key);
                        dropped++;
                    }
                }
            }
        }
        finally
        {
            _sessions.Return(session);
            _gate.ExitReadLock();
        }

        candidates.Clear();
    }

    private bool RemoveLocked(PendingSession session, ref Bytes32 capability, PendingRemoval reason, long nowMs, long onlyIfExpiredBy)
    {
        lock (CapabilityLock(ref capability))
        {
            if (!session.TryReadCapability(ref capability, out var entry) || entry.IsTombstone || entry.UntilMs > onlyIfExpiredBy)
            {
                return false;
            }

            var hash = entry.RecipientHash;
            lock (RecipientLock(ref hash))
            {
                var refKey = new RefKey(hash, entry.Sequence);
                session.DeleteRef(ref refKey);
                // Only a reference inside the hash's live range counts against it: a capability entry a crash recovered
                // without its reference names a sequence from before RenumberAfterCrash, below every live one, and
                // counting its removal would end the state while references remain (never listed again, every
                // retransmission of them a duplicate).
                if (session.TryReadRecipient(ref hash, out var state) && entry.Sequence >= state.FirstSequence && entry.Sequence < state.NextSequence)
                {
                    if (--state.Count <= 0)
                    {
                        // Later references of this hash start above every sequence it handed out (FirstSequence).
                        RaiseSequenceFloor(state.NextSequence);
                        session.DeleteRecipient(ref hash);
                    }
                    else
                    {
                        if (entry.Sequence == state.FirstSequence)
                        {
                            state.FirstSequence++;
                        }

                        session.WriteRecipient(ref hash, ref state);
                    }
                }
            }

            // The sender of an ignored reference cannot tell (docs/PROTOCOL.md §4.4) and retransmits until its transit
            // expiry (§4.6), so its tombstone lasts that long: the usual retention would let a retransmission file it again.
            entry.UntilMs = (reason == PendingRemoval.Ignored ? Math.Max(entry.UntilMs, nowMs) : nowMs) + _tombstoneRetentionMs;
            entry.Removal = (int)reason;
            session.WriteCapability(ref capability, ref entry);
            if (_domains.ById(entry.DomainId) is { } domain)
            {
                Interlocked.Decrement(ref domain.Count);
            }

            Interlocked.Decrement(ref _count);
            Interlocked.Increment(ref _removals[(int)reason]);
            Removed?.Invoke(new FetchCapability(capability), new RecipientHash(hash), reason);
            return true;
        }
    }

    private void RaiseSequenceFloor(ulong next)
    {
        var current = Interlocked.Read(ref _sequenceFloor);
        while ((ulong)current < next)
        {
            var seen = Interlocked.CompareExchange(ref _sequenceFloor, (long)next, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
