namespace Tern.Engine.Discovery;

/// <summary>The outcome of one DNS query: the records, the smallest TTL among them, or why there are none.</summary>
/// <typeparam name="T">The record data: <see cref="Protocol.Descriptor.SrvRecord"/>, a TXT value, an address.</typeparam>
public readonly struct DnsLookup<T>
{
    private readonly IReadOnlyList<T>? _records;

    internal DnsLookup(DnsLookupStatus status, IReadOnlyList<T>? records, TimeSpan ttl, string? detail, TimeSpan? negativeTtl = null)
    {
        Status = status;
        _records = records;
        Ttl = ttl;
        Detail = detail;
        NegativeTtl = negativeTtl;
    }

    /// <summary>How the query ended.</summary>
    public DnsLookupStatus Status { get; }

    /// <summary>The records when <see cref="Status"/> is <see cref="DnsLookupStatus.Answered"/>; empty otherwise.</summary>
    public IReadOnlyList<T> Records => _records ?? [];

    /// <summary>The smallest TTL of the records: how long the answer may be used.</summary>
    public TimeSpan Ttl { get; }

    /// <summary>
    /// For <see cref="DnsLookupStatus.NotFound"/> and <see cref="DnsLookupStatus.NoRecords"/>: how long the server lets the
    /// absence be cached, min(SOA TTL, SOA MINIMUM) of the SOA record it sent with the answer (RFC 2308 §5); null when it
    /// sent none.
    /// </summary>
    public TimeSpan? NegativeTtl { get; }

    /// <summary>What went wrong, for logs; null when answered.</summary>
    public string? Detail { get; }

    /// <inheritdoc />
    public override string ToString() => Status == DnsLookupStatus.Answered ? $"{Records.Count} record(s), ttl {Ttl.TotalSeconds:0}s" : $"{Status}: {Detail}";
}
