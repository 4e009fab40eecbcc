namespace Tern.Engine.Transit;

public sealed partial class TransitStore
{
    /// <summary>
    /// For each domain of <paramref name="nearExpiryBefore"/>, what the store holds for it: blobs and deliveries still
    /// Outstanding, their bytes, and the bytes of those whose blob expires before that domain's instant (Unix ms). One pass
    /// over the index; for the operator's surface, not a hot path.
    /// </summary>
    public IReadOnlyDictionary<string, DestinationHolding> ListHoldings(IReadOnlyDictionary<string, long> nearExpiryBefore)
    {
        ArgumentNullException.ThrowIfNull(nearExpiryBefore);
        var byDomain = new Dictionary<string, DestinationHolding>(StringComparer.Ordinal);
        foreach (var domain in nearExpiryBefore.Keys)
        {
            byDomain[domain] = new DestinationHolding(domain, 0, 0, 0, 0);
        }

        var counted = new HashSet<string>(StringComparer.Ordinal);
        lock (_index)
        {
            foreach (var blob in _blobs.Values)
            {
                if (blob.OutstandingCount == 0)
                {
                    continue;
                }

                counted.Clear();
                foreach (var delivery in blob.Deliveries)
                {
                    if (delivery.State != DeliveryState.Outstanding || !byDomain.TryGetValue(delivery.Domain, out var seen))
                    {
                        continue;
                    }

                    var near = blob.ExpiryMs < nearExpiryBefore[delivery.Domain] ? blob.Size : 0;
                    byDomain[delivery.Domain] = seen with
                    {
                        Blobs = seen.Blobs + (counted.Add(delivery.Domain) ? 1 : 0),
                        Deliveries = seen.Deliveries + 1,
                        Bytes = seen.Bytes + blob.Size,
                        NearExpiryBytes = seen.NearExpiryBytes + near,
                    };
                }
            }
        }

        return byDomain;
    }
}
