using System.Runtime.InteropServices;
using Tern.Engine.Transit;

namespace Tern.Engine.Notify;

public sealed partial class NotificationScheduler
{
    /// <summary>
    /// One round of the loop at <paramref name="nowMs"/>: take new entries and resolver answers, advance the wheel, check
    /// each due entry against the store, pack the survivors per peer into datagrams, and flush the transport once.
    /// Called under the round lock by the loop thread or a scheduling caller (at most <paramref name="maxRecords"/> due
    /// records then), or directly by tests that drive time by hand (never both).
    /// </summary>
    internal void RunRound(long nowMs, int maxRecords = 0)
    {
        var budget = maxRecords > 0 ? maxRecords : _maxRecordsPerRound;
        if (Volatile.Read(ref _nextKeys) is { } next && !ReferenceEquals(next, _keys))
        {
            SwitchKeys(next);
        }

        while (_resolved.TryDequeue(out var resolution))
        {
            ApplyResolution(resolution.State, resolution.Peer, nowMs);
        }

        if (!_incoming.IsEmpty)
        {
            _wheel.EnsureCapacity(_wheel.Count + _incoming.Count); // a start-up load grows the wheel once, not by doubling
        }

        while (_incoming.TryDequeue(out var notice))
        {
            // The one index lookup of a delivery's life in the scheduler (none for those loaded at start).
            if (_store.FindDelivery(notice.Capability) is { } entry)
            {
                _wheel.Schedule(new ScheduledNotice(entry, notice.Kind, notice.DueMs, 0), notice.DueMs);
            }
            else
            {
                End(notice.Kind, StopReason.Unknown);
            }
        }

        _due.Clear();
        _round = Interlocked.Increment(ref s_rounds);

        // Entries over the round's budget stay on the wheel untouched, due first at the next round.
        var routed = 0;
        var drained = 0;
        while (routed < budget && _wheel.Advance(nowMs, _due, Math.Min(budget - routed, StatusBatch)) is var added and > 0)
        {
            routed += RouteBatch(drained, added, nowMs);
            drained += added;
        }

        Backlogged = routed >= budget;

        var kept = 0;
        for (var i = 0; i < _active.Count; i++)
        {
            var peer = _active[i];
            SendTo(peer, nowMs);
            if (peer.HasWork)
            {
                _active[kept++] = peer;
            }
            else
            {
                peer.Active = false;
            }
        }

        _active.RemoveRange(kept, _active.Count - kept);
        _transport.Flush();
    }

    /// <summary>The last round stopped at its budget with entries still due: the loop starts the next one at once.</summary>
    internal bool Backlogged { get; private set; }

    /// <summary>Reads the status of the due entries <c>_due[start..start+count]</c> under one store lock and routes each; returns how many were queued.</summary>
    private int RouteBatch(int start, int count, long nowMs)
    {
        var due = CollectionsMarshal.AsSpan(_due).Slice(start, count);
        var entries = _statusEntries.AsSpan(0, count);
        for (var i = 0; i < due.Length; i++)
        {
            entries[i] = due[i].Entry;
        }

        var statuses = _statuses.AsSpan(0, count);
        _store.ReadStatus(entries, statuses);
        entries.Clear(); // no references kept past the round
        var routed = 0;
        for (var i = 0; i < due.Length; i++)
        {
            routed += Route(due[i], statuses[i], nowMs) ? 1 : 0;
        }

        return routed;
    }

    /// <summary>Checks a due entry against its delivery's status and queues it for its peer (true), or ends or drops it (false).</summary>
    private bool Route(in ScheduledNotice notice, in DeliveryStatus status, long nowMs)
    {
        var entry = notice.Entry;
        if (notice.Kind == NoticeKind.Notification)
        {
            if (entry.RoutedInRound == _round)
            {
                return false; // a duplicate entry due in the same round
            }

            entry.RoutedInRound = _round;

            if (notice.DueMs < status.NextAttemptMs)
            {
                return false; // superseded: a later entry of this delivery is the live one
            }

            if (status.State != DeliveryState.Outstanding)
            {
                End(notice.Kind, ReasonOf(status.State));
                return false;
            }

            if (Hold is { } hold && entry.Blob.ExpiryMs > nowMs && hold.IsHeld(entry.Blob.Id, entry.Domain))
            {
                // Offered to a gateway instead (§10.5): looked at again later, with no attempt counted (nothing was sent).
                var retryMs = nowMs + _peerRetryMs;
                if (_store.RecordAttempt(entry, status.Attempt, retryMs))
                {
                    _wheel.Schedule(new ScheduledNotice(entry, NoticeKind.Notification, retryMs, 0), retryMs);
                }

                Counters.Hold();
                return false;
            }
        }

        if (entry.Blob.ExpiryMs <= nowMs)
        {
            End(notice.Kind, StopReason.Expired); // never notify after expiry (§4.6)
            return false;
        }

        var peer = PeerFor(entry.Domain);
        (notice.Kind == NoticeKind.Notification ? peer.Notifications : peer.Retractions).Add(new OutgoingRecord(notice, status.Attempt));
        if (!peer.Active)
        {
            peer.Active = true;
            _active.Add(peer);
        }

        return true;
    }

    private void End(NoticeKind kind, StopReason reason)
    {
        if (kind == NoticeKind.Notification)
        {
            Counters.Stop(reason);
        }
        else
        {
            Counters.RetractionCompleted();
        }
    }

    private static StopReason ReasonOf(DeliveryState state) => state switch
    {
        DeliveryState.Fetched => StopReason.Fetched,
        DeliveryState.Retracted => StopReason.Retracted,
        DeliveryState.Transferred => StopReason.Transferred,
        DeliveryState.Expired => StopReason.Expired,
        _ => StopReason.Unknown,
    };

    private long NextAfter(int sent, long nowMs) => nowMs + RetransmissionPolicy.IntervalMs(sent, _random.NextDouble(), _initialMs, _maxMs);
}
