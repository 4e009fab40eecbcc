namespace Tern.Engine.Discovery;

/// <summary>Makes <see cref="DnsLookup{T}"/> results.</summary>
public static class DnsLookup
{
    /// <summary>An answer with records, or <see cref="DnsLookupStatus.NoRecords"/> when <paramref name="records"/> is empty.</summary>
    public static DnsLookup<T> Answer<T>(IReadOnlyList<T> records, TimeSpan ttl)
    {
        ArgumentNullException.ThrowIfNull(records);
        return records.Count == 0
            ? new DnsLookup<T>(DnsLookupStatus.NoRecords, null, TimeSpan.Zero, "no record of the type asked for")
            : new DnsLookup<T>(DnsLookupStatus.Answered, records, ttl < TimeSpan.Zero ? TimeSpan.Zero : ttl, null);
    }

    /// <summary>A query that gave no usable record.</summary>
    public static DnsLookup<T> Fail<T>(DnsLookupStatus status, string detail)
    {
        if (status == DnsLookupStatus.Answered)
        {
            throw new ArgumentException("A failed lookup cannot be Answered.", nameof(status));
        }

        return new DnsLookup<T>(status, null, TimeSpan.Zero, detail);
    }
}
