using System.Diagnostics;

namespace Tern.Engine.Transit;

/// <summary>
/// What <see cref="TransitStore.ListExpiringBefore"/> reads instead of every blob (docs/ARCHITECTURE.md §3.2, "Expiring
/// before T"): per destination, Outstanding deliveries and bytes in cells by the minute and the hour their blob expires
/// in, kept exact where the store indexes blobs and where a delivery leaves Outstanding; and the blobs of each minute, so
/// that T's own minute is answered by the same test the full scan made. Guarded by the store's index lock.
/// </summary>
internal sealed class ExpiryIndex
{
    public const long MinuteMs = 60_000;

    public const long MinutesPerHour = 60;

    private readonly Dictionary<string, DestinationExpiries> _destinations = new(StringComparer.Ordinal);

    // Every indexed blob by the minute it expires in. A blob leaves only with its minute, at the sweep after the minute
    // passed; by then the sweep has removed it from the store and moved its deliveries out of Outstanding.
    private readonly Dictionary<long, List<BlobEntry>> _blobsByMinute = [];

    public static long FloorDiv(long value, long divisor)
    {
        var quotient = value / divisor;
        return (value % divisor) < 0 ? quotient - 1 : quotient;
    }

    /// <summary>Counts a blob the store just indexed: its Outstanding deliveries (all of them at submission).</summary>
    public void Indexed(BlobEntry blob)
    {
        var minute = FloorDiv(blob.ExpiryMs, MinuteMs);
        if (!_blobsByMinute.TryGetValue(minute, out var blobs))
        {
            blobs = [];
            _blobsByMinute.Add(minute, blobs);
        }

        blobs.Add(blob);
        foreach (var delivery in blob.Deliveries)
        {
            if (delivery.State == DeliveryState.Outstanding)
            {
                Destination(delivery.Domain).Add(blob.ExpiryMs, blob.Size);
            }
        }
    }

    /// <summary>Uncounts a delivery of an indexed blob that just left Outstanding (fetched, retracted, expired, transferred).</summary>
    public void LeftOutstanding(DeliveryEntry delivery)
    {
        var found = _destinations.TryGetValue(delivery.Domain, out var destination);
        Debug.Assert(found, "a delivery left Outstanding to a destination the index never counted");
        destination?.Remove(delivery.Blob.ExpiryMs, delivery.Blob.Size);
    }

    /// <summary>After the sweep at <paramref name="nowMs"/> removed every blob expiring by then: forgets their minutes and idle destinations.</summary>
    public void Swept(long nowMs)
    {
        // A minute goes when all of it is at or before now (the sweep removed all its blobs); removing while enumerating a
        // Dictionary is allowed.
        var passed = FloorDiv(nowMs + 1, MinuteMs);
        foreach (var minute in _blobsByMinute.Keys)
        {
            if (minute < passed)
            {
                _blobsByMinute.Remove(minute);
            }
        }

        foreach (var destination in _destinations)
        {
            if (destination.Value.Deliveries == 0)
            {
                _destinations.Remove(destination.Key);
            }
        }
    }

    /// <summary>
    /// Per destination domain, by name, the Outstanding deliveries whose blob expires before <paramref name="beforeMs"/>
    /// and their bytes (domains with none left out): the cells of the whole minutes before T, then the blobs of T's minute.
    /// </summary>
    public List<ExpiringDestination> ExpiringBefore(long beforeMs)
    {
        var minute = FloorDiv(beforeMs, MinuteMs);
        var byDomain = new SortedDictionary<string, ExpiryTotals>(StringComparer.Ordinal);
        foreach (var destination in _destinations)
        {
            var before = destination.Value.BeforeMinute(minute);
            if (before.Deliveries > 0)
            {
                byDomain[destination.Key] = before;
            }
        }

        if (_blobsByMinute.TryGetValue(minute, out var blobs))
        {
            foreach (var blob in blobs)
            {
                if (blob.ExpiryMs >= beforeMs || blob.OutstandingCount == 0)
                {
                    continue;
                }

                foreach (var delivery in blob.Deliveries)
                {
                    if (delivery.State == DeliveryState.Outstanding)
                    {
                        var seen = byDomain.GetValueOrDefault(delivery.Domain);
                        seen.Add(new ExpiryTotals { Deliveries = 1, Bytes = blob.Size });
                        byDomain[delivery.Domain] = seen;
                    }
                }
            }
        }

        var result = new List<ExpiringDestination>(byDomain.Count);
        foreach (var (domain, totals) in byDomain)
        {
            result.Add(new ExpiringDestination(domain, totals.Deliveries, totals.Bytes));
        }

        return result;
    }

    /// <summary>Cells, minutes and blob references held now (for the memory figure of docs/ARCHITECTURE.md).</summary>
    public (int Destinations, int Cells, int Minutes, long BlobReferences) Size()
    {
        var cells = 0;
        foreach (var destination in _destinations.Values)
        {
            cells += destination.Cells;
        }

        long references = 0;
        foreach (var blobs in _blobsByMinute.Values)
        {
            references += blobs.Count;
        }

        return (_destinations.Count, cells, _blobsByMinute.Count, references);
    }

    private DestinationExpiries Destination(string domain)
    {
        if (!_destinations.TryGetValue(domain, out var destination))
        {
            destination = new DestinationExpiries();
            _destinations.Add(domain, destination);
        }

        return destination;
    }
}
