namespace Tern.Engine.Transit;

/// <summary>What the operator's surface reads of the store: ledgers, blobs' metadata and what is about to expire.</summary>
public sealed partial class TransitStore
{
    /// <summary>Live bytes of the whole store: each blob once, until its last delivery leaves Outstanding.</summary>
    public long LiveBytes
    {
        get
        {
            lock (_index)
            {
                return _ledger.LiveBytes;
            }
        }
    }

    /// <summary>Blobs and deliveries the index holds (in any state, until swept).</summary>
    public (int Blobs, int Deliveries) IndexCounts
    {
        get
        {
            lock (_index)
            {
                return (_blobs.Count, _deliveries.Count);
            }
        }
    }

    /// <summary>Every account's ledger line, by name (docs/ARCHITECTURE.md §3.4).</summary>
    public IReadOnlyList<LedgerRow> ListAccountStats()
    {
        lock (_index)
        {
            return _ledger.Accounts(NowMs);
        }
    }

    /// <summary>Every destination domain's ledger line, by name.</summary>
    public IReadOnlyList<LedgerRow> ListDomainStats()
    {
        lock (_index)
        {
            return _ledger.Domains(NowMs);
        }
    }

    /// <summary>Notification attempts per destination domain over the deliveries the index holds, by domain.</summary>
    public IReadOnlyList<DomainActivity> ListDomainActivity()
    {
        var byDomain = new SortedDictionary<string, DomainActivity>(StringComparer.Ordinal);
        lock (_index)
        {
            foreach (var delivery in _deliveries.Values)
            {
                var seen = byDomain.GetValueOrDefault(delivery.Domain, new DomainActivity(delivery.Domain, 0, 0, 0));
                byDomain[delivery.Domain] = seen with
                {
                    Deliveries = seen.Deliveries + 1,
                    Notifications = seen.Notifications + delivery.Attempt,
                    Retransmissions = seen.Retransmissions + Math.Max(0, delivery.Attempt - 1),
                };
            }
        }

        return [.. byDomain.Values];
    }

    /// <summary>
    /// Up to <paramref name="limit"/> blobs whose message id (as text) sorts after <paramref name="after"/> (empty: from the
    /// first), in that order: a page of the store's metadata, stable while blobs come and go.
    /// </summary>
    public IReadOnlyList<TransitMessageSummary> ListMessages(string after, int limit)
    {
        ArgumentNullException.ThrowIfNull(after);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);

        // The smallest `limit` ids after the cursor, kept in a max-heap: one pass, no sort of the whole index.
        var page = new PriorityQueue<BlobEntry, string>(limit + 1, Comparer<string>.Create((x, y) => string.CompareOrdinal(y, x)));
        lock (_index)
        {
            foreach (var blob in _blobs.Values)
            {
                var id = blob.Id.ToString();
                if (string.CompareOrdinal(id, after) <= 0)
                {
                    continue;
                }

                page.Enqueue(blob, id);
                if (page.Count > limit)
                {
                    page.Dequeue();
                }
            }

            var result = new TransitMessageSummary[page.Count];
            for (var i = result.Length - 1; i >= 0; i--)
            {
                result[i] = Summarize(page.Dequeue());
            }

            return result;
        }
    }

    /// <summary>
    /// Per destination domain, the outstanding deliveries whose blob expires before <paramref name="before"/> and their
    /// bytes: what the store will stop serving unfetched unless the peers pull first. Read from the expiry index
    /// (docs/ARCHITECTURE.md §3.2, "Expiring before T"), not by visiting every blob.
    /// </summary>
    public IReadOnlyList<ExpiringDestination> ListExpiringBefore(DateTimeOffset before)
    {
        var beforeMs = before.ToUnixTimeMilliseconds();
        lock (_index)
        {
            return _expiries.ExpiringBefore(beforeMs);
        }
    }

    /// <summary>The expiry index's destinations, cells, minutes and blob references (tests, the memory figure).</summary>
    internal (int Destinations, int Cells, int Minutes, long BlobReferences) ExpiryIndexSize
    {
        get
        {
            lock (_index)
            {
                return _expiries.Size();
            }
        }
    }

    private static TransitMessageSummary Summarize(BlobEntry blob)
    {
        var deliveries = new (string, DeliveryState, int)[blob.Deliveries.Length];
        for (var i = 0; i < deliveries.Length; i++)
        {
            var d = blob.Deliveries[i];
            deliveries[i] = (d.Domain, d.State, d.Attempt);
        }

        return new TransitMessageSummary(blob.Id, blob.Account, blob.Size, DateTimeOffset.FromUnixTimeMilliseconds(blob.SubmittedMs),
            DateTimeOffset.FromUnixTimeMilliseconds(blob.ExpiryMs), blob.MimeHint, deliveries);
    }
}
