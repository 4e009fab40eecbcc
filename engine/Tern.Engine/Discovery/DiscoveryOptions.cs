namespace Tern.Engine.Discovery;

/// <summary>
/// How <see cref="DomainDiscovery"/> caches and where it looks (docs/DISCOVERY.md). Validated when the discovery is
/// created, which refuses a bad value with an error naming the option, the value and the rule.
/// </summary>
public sealed class DiscoveryOptions
{
    /// <summary>
    /// Shortest time a found peer is kept, whatever the DNS TTLs say (a TTL of 0 would otherwise mean a DNS query and an
    /// HTTPS fetch per notification); never past the descriptor's <c>expires_at</c>. Defaults to 30 s.
    /// </summary>
    public TimeSpan MinTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest time a found peer is kept before DNS and the descriptor are asked again. Defaults to 1 hour.</summary>
    public TimeSpan MaxTtl { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long a failure is kept before the domain is looked up again, when no shorter or zone-given time applies: a bad
    /// signature or descriptor, a descriptor server that failed, an unreadable DNS answer (a CNAME loop), and an NXDOMAIN
    /// or empty answer that came without the zone's SOA record (see <see cref="MaxNegativeTtl"/>,
    /// <see cref="ServerFailureRetry"/>). Defaults to 60 s.
    /// </summary>
    public TimeSpan NegativeTtl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a DNS failure that may pass by itself is kept: no name server answered in time, or one answered SERVFAIL
    /// or REFUSED. Short, since the next try may well succeed, but not zero, so that the notifications of a domain whose
    /// name servers fail do not cost a query each. Also the least time any failure is kept. Defaults to 5 s.
    /// </summary>
    public TimeSpan ServerFailureRetry { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Longest time an NXDOMAIN or an empty answer (the name has no record of the type) is kept. Such an answer is kept
    /// for the negative TTL its zone gives in the SOA record sent with it, min(SOA TTL, SOA MINIMUM) (RFC 2308 §5), up to
    /// this and no less than <see cref="ServerFailureRetry"/>; one without a SOA record for <see cref="NegativeTtl"/>.
    /// Defaults to 15 minutes.
    /// </summary>
    public TimeSpan MaxNegativeTtl { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Share of a found peer's lifetime after which a lookup still answers from the cache but refreshes the entry in the
    /// background, so that a busy peer's answer is renewed before it expires. 1 turns it off. Defaults to 0.8.
    /// </summary>
    public double PrefetchRatio { get; set; } = 0.8;

    /// <summary>
    /// How long past its expiry a found peer is still used while lookups fail transiently (a name server or web server
    /// that does not answer); never past the descriptor's <c>expires_at</c>, and never through a failure that is what the
    /// domain publishes (a bad signature, a fingerprint that no longer matches). Defaults to 1 hour.
    /// </summary>
    public TimeSpan MaxStale { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Domains kept in the cache, found or failed; the least recently used goes first. Defaults to 10 000.</summary>
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>Longest time one lookup (DNS queries, descriptor fetch, address queries) may take in all. Defaults to 20 s.</summary>
    public TimeSpan LookupTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Shortest time between two lookups of one domain forced by a notification whose key does not match the cached
    /// descriptor (docs/PROTOCOL.md §4.7): anyone can send such notifications, so they may not force a fetch each.
    /// Defaults to 30 s.
    /// </summary>
    public TimeSpan RevalidateInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>False for an air-gapped site: no DNS query or descriptor fetch, only the static peers file. Defaults to true.</summary>
    public bool DnsEnabled { get; set; } = true;

    /// <summary>The static peers file (docs/DISCOVERY.md, "Static peers file"); null for none. Defaults to null.</summary>
    public string? StaticPeersFile { get; set; }

    /// <summary>Whether the static peers file or DNS wins for a domain listed in both. Defaults to <see cref="StaticPeersPrecedence.First"/>.</summary>
    public StaticPeersPrecedence StaticPeersPrecedence { get; set; } = StaticPeersPrecedence.First;

    /// <summary>How often the static peers file is checked for changes (its modification time). Defaults to 5 s.</summary>
    public TimeSpan StaticPeersCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Uses an IPv6 address of a notification endpoint before an IPv4 one when a host has both. Defaults to false.</summary>
    public bool PreferIPv6 { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        Require(MinTtl >= TimeSpan.Zero && MinTtl <= TimeSpan.FromDays(1), nameof(MinTtl), MinTtl, "between 0 and 1 day");
        Require(MaxTtl >= MinTtl && MaxTtl >= TimeSpan.FromSeconds(1) && MaxTtl <= TimeSpan.FromDays(7), nameof(MaxTtl), MaxTtl, "between MinTtl (and 1 s) and 7 days");
        Require(NegativeTtl >= TimeSpan.FromMilliseconds(100) && NegativeTtl <= TimeSpan.FromHours(1), nameof(NegativeTtl), NegativeTtl, "between 100 ms and 1 hour");
        Require(ServerFailureRetry >= TimeSpan.FromMilliseconds(100) && ServerFailureRetry <= TimeSpan.FromHours(1), nameof(ServerFailureRetry), ServerFailureRetry, "between 100 ms and 1 hour");
        Require(MaxNegativeTtl >= ServerFailureRetry && MaxNegativeTtl <= TimeSpan.FromDays(1), nameof(MaxNegativeTtl), MaxNegativeTtl, "between ServerFailureRetry and 1 day");
        Require(PrefetchRatio is > 0 and <= 1, nameof(PrefetchRatio), PrefetchRatio, "in (0, 1]");
        Require(MaxStale >= TimeSpan.Zero && MaxStale <= TimeSpan.FromDays(7), nameof(MaxStale), MaxStale, "between 0 and 7 days");
        Require(MaxEntries is >= 1 and <= 10_000_000, nameof(MaxEntries), MaxEntries, "between 1 and 10 000 000");
        Require(LookupTimeout >= TimeSpan.FromMilliseconds(100) && LookupTimeout <= TimeSpan.FromMinutes(5), nameof(LookupTimeout), LookupTimeout, "between 100 ms and 5 minutes");
        Require(RevalidateInterval >= TimeSpan.Zero && RevalidateInterval <= TimeSpan.FromHours(1), nameof(RevalidateInterval), RevalidateInterval, "between 0 and 1 hour");
        Require(StaticPeersCheckInterval >= TimeSpan.Zero, nameof(StaticPeersCheckInterval), StaticPeersCheckInterval, "0 or more");
        Require(DnsEnabled || StaticPeersFile is not null, nameof(DnsEnabled), DnsEnabled, "true unless a StaticPeersFile is given (nothing could be discovered)");
        Require(StaticPeersFile is null || StaticPeersFile.Length > 0, nameof(StaticPeersFile), "(empty)", "a path or null");
        Require(Enum.IsDefined(StaticPeersPrecedence), nameof(StaticPeersPrecedence), StaticPeersPrecedence, "First or Fallback");
    }

    private static void Require(bool condition, string name, object value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException($"DiscoveryOptions.{name} is {value}; it must be {expected}.");
        }
    }
}
