using Tern.Engine.Transit;

namespace Tern.Engine.Delivery;

public sealed partial class DeliveryScheduler
{
    /// <summary>
    /// One round of the loop at <paramref name="nowMs"/>: take new entries and resolver answers, advance the wheel, check
    /// each due entry against the store, pack the survivors per peer into datagrams, and flush the transport once.
    /// Called by the loop thread, or directly by tests that drive time by hand (never both).
    /// </summary>
    internal void RunRound(long nowMs)
    {
        while (_resolved.TryDequeue(out var resolution))
        {
            ApplyResolution(resolution.State, resolution.Peer, nowMs);
        }

        while (_incoming.TryDequeue(out var notice))
        {
            // The one index lookup of a delivery's life in the scheduler.
            if (_store.FindDelivery(notice.Capability) is { } entry)
            {
                _wheel.Schedule(notice.With(entry), notice.DueMs);
            }
            else
            {
                End(notice, StopReason.Unknown);
            }
        }

        _due.Clear();
        _routed.Clear();
        _wheel.Advance(nowMs, _due);
        var routed = 0;
        foreach (var notice in _due)
        {
            if (routed < _maxRecordsPerRound)
            {
                routed += Route(notice, nowMs) ? 1 : 0;
            }
            else
            {
                // Over the round's budget: due again at the next advance, with its exact due time kept.
                _wheel.Schedule(notice, notice.DueMs);
            }
        }

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

    /// <summary>Checks a due entry against its delivery and queues it for its peer (true), or ends or drops it (false).</summary>
    private bool Route(in ScheduledNotice notice, long nowMs)
    {
        var entry = notice.Entry!;
        if (notice.Kind == NoticeKind.Notification && !_routed.Add(entry))
        {
            return false; // a duplicate entry due in the same round
        }

        var delivery = _store.Snapshot(entry);

        var expiryMs = delivery.TransitExpiry.ToUnixTimeMilliseconds();
        if (notice.Kind == NoticeKind.Notification)
        {
            if (notice.DueMs < delivery.NextAttemptAt.ToUnixTimeMilliseconds())
            {
                return false; // superseded: a later entry of this delivery is the live one
            }

            if (delivery.State != DeliveryState.Pending)
            {
                End(notice, ReasonOf(delivery.State));
                return false;
            }
        }

        if (expiryMs <= nowMs)
        {
            End(notice, StopReason.Expired); // never notify after expiry (§4.6)
            return false;
        }

        var peer = PeerFor(delivery.DestinationDomain);
        (notice.Kind == NoticeKind.Notification ? peer.Notifications : peer.Retractions).Add(new OutgoingRecord(notice, delivery));
        if (!peer.Active)
        {
            peer.Active = true;
            _active.Add(peer);
        }

        return true;
    }

    private void End(in ScheduledNotice notice, StopReason reason)
    {
        if (notice.Kind == NoticeKind.Notification)
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
