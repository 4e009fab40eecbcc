using Tern.Engine.Protocol;

namespace Tern.Engine.Transit;

public sealed partial class TransitStore
{
    // The notification scheduler's path (docs/ARCHITECTURE.md §4): it holds index records by reference once found, so a
    // retransmission costs no dictionary lookup — on a large index each lookup is a cache miss or two. A record's
    // immutable fields (capability, domain, hash, blob) are read without the lock; its state, attempt and next attempt
    // are read and written under the index lock, a batch of records per lock.

    /// <summary>The index record of <paramref name="capability"/>, or null.</summary>
    internal DeliveryEntry? FindDelivery(FetchCapability capability)
    {
        lock (_index)
        {
            return _deliveries.TryGetValue(capability, out var d) ? d : null;
        }
    }

    /// <summary>The index records of every outstanding delivery whose blob has not expired (the scheduler's start-up load).</summary>
    internal List<DeliveryEntry> ListOutstandingEntries()
    {
        lock (_index)
        {
            return [.. OutstandingEntriesLocked()];
        }
    }

    /// <summary>Every Outstanding delivery of an unexpired blob; the caller holds the index lock while it enumerates.</summary>
    private IEnumerable<DeliveryEntry> OutstandingEntriesLocked()
    {
        var nowMs = NowMs;
        foreach (var blob in _blobs.Values)
        {
            if (blob.OutstandingCount == 0 || blob.ExpiryMs <= nowMs)
            {
                continue;
            }

            foreach (var d in blob.Deliveries)
            {
                if (d.State == DeliveryState.Outstanding)
                {
                    yield return d;
                }
            }
        }
    }

    /// <summary>The status of each of <paramref name="deliveries"/> into <paramref name="statuses"/>, under one lock.</summary>
    internal void ReadStatus(ReadOnlySpan<DeliveryEntry> deliveries, Span<DeliveryStatus> statuses)
    {
        lock (_index)
        {
            for (var i = 0; i < deliveries.Length; i++)
            {
                var d = deliveries[i];
                statuses[i] = new DeliveryStatus(d.State, d.Attempt, d.NextAttemptMs);
            }
        }
    }

    /// <summary><see cref="RecordAttemptAsync"/> for a delivery found with <see cref="FindDelivery"/>.</summary>
    internal bool RecordAttempt(DeliveryEntry delivery, int attempt, long nextAttemptMs)
    {
        lock (_index)
        {
            return RecordAttemptLocked(delivery, attempt, nextAttemptMs);
        }
    }

    /// <summary>
    /// <see cref="RecordAttempt"/> for a batch under one lock (the records of one datagram): records attempt
    /// <c>attempts[i]</c> and next attempt <c>nextAttemptMs[i]</c> on each delivery still outstanding; <paramref name="states"/>
    /// receives each delivery's state (a delivery no longer outstanding is left unchanged).
    /// </summary>
    internal void RecordAttempts(ReadOnlySpan<DeliveryEntry> deliveries, ReadOnlySpan<int> attempts, ReadOnlySpan<long> nextAttemptMs, Span<DeliveryState> states)
    {
        lock (_index)
        {
            for (var i = 0; i < deliveries.Length; i++)
            {
                var d = deliveries[i];
                RecordAttemptLocked(d, attempts[i], nextAttemptMs[i]);
                states[i] = d.State;
            }
        }
    }

    private static bool RecordAttemptLocked(DeliveryEntry delivery, int attempt, long nextAttemptMs)
    {
        if (delivery.State != DeliveryState.Outstanding)
        {
            return false;
        }

        delivery.Attempt = attempt;
        delivery.NextAttemptMs = nextAttemptMs;
        return true;
    }
}
