namespace Tern.Engine.Discovery;

/// <summary>Makes <see cref="DnsLookup{T}"/> results.</summary>
public static class DnsLookup
{
    /// <summary>An answer with records, or <see cref="DnsLookupStatus.NoRecords"/> when <paramref name="records"/> is empty.</summary>
    /// <param name="records">The records of the type asked for.</param>
    /// <param name="ttl">The smallest of their TTLs.</param>
    /// <param name="negativeTtl">With no record: min(SOA TTL, SOA MINIMUM) of the answer's SOA record, or null for none (RFC 2308 §5).</param>
    public static DnsLookup<T> Answer<T>(IReadOnlyList<T> records, TimeSpan ttl, TimeSpan? negativeTtl = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        return records.Count == 0
            ? new DnsLookup<T>(DnsLookupStatus.NoRecords, null, TimeSpan.Zero, "no record of the type asked for", negativeTtl)
            : new DnsLookup<T>(DnsLookupStatus.Answered, records, ttl < TimeSpan.Zero ? TimeSpan.Zero : ttl, null);
    }

    /// <summary>A query that gave no usable record.</summary>
    /// <param name="status">How it ended.</param>
    /// <param name="detail">What went wrong, for logs.</param>
    /// <param name="negativeTtl">For NXDOMAIN: min(SOA TTL, SOA MINIMUM) of the answer's SOA record, or null for none (RFC 2308 §5).</param>
    public static DnsLookup<T> Fail<T>(DnsLookupStatus status, string detail, TimeSpan? negativeTtl = null)
    {
        if (status == DnsLookupStatus.Answered)
        {
            throw new ArgumentException("A failed lookup cannot be Answered.", nameof(status));
        }

        return new DnsLookup<T>(status, null, TimeSpan.Zero, detail, negativeTtl);
    }
}
