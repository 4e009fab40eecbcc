using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tern.Engine.Ingest;
using Tern.Engine.Protocol;

namespace Tern.Engine.Discovery;

/// <summary>
/// Finds peers (docs/PROTOCOL.md §3 problem 1, §6; docs/DISCOVERY.md): the static peers file, and DNS (TXT fingerprint,
/// SRV) plus the signed descriptor from <c>/.well-known/tern</c>, cached by TTL, failures cached for a bounded time,
/// concurrent lookups of one domain joined into one. Every peer found teaches its agreement key to
/// <see cref="KnownPeerKeys"/>, so a changed key reaches the ingest as soon as discovery sees it. The scheduler and the
/// puller use it through <see cref="NotificationPeers"/> and <see cref="Descriptors"/>. Thread-safe.
/// </summary>
public sealed partial class DomainDiscovery : IDisposable
{
    private readonly DiscoveryOptions _options;
    private readonly DiscoveryLookup? _lookup;
    private readonly DiscoveryCache _cache;
    private readonly StaticPeers? _static;
    private readonly KnownPeerKeys? _known;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, Task<DiscoveryResult>> _inFlight = new(StringComparer.Ordinal);
    private readonly Lock _flightLock = new();
    private readonly IDisposable[] _owned;
    private int _disposed;

    /// <summary>Creates the discovery.</summary>
    /// <param name="dns">DNS queries; null only when <see cref="DiscoveryOptions.DnsEnabled"/> is false.</param>
    /// <param name="fetcher">Descriptor fetches; null only when <see cref="DiscoveryOptions.DnsEnabled"/> is false.</param>
    /// <param name="options">Caching and sources; validated here.</param>
    /// <param name="known">Receive keys derived in advance; each peer found is taught to it. Null for none.</param>
    /// <param name="logger">Logger; none by default.</param>
    /// <param name="timeProvider">Clock for TTLs and descriptor expiry. Defaults to the system's.</param>
    /// <param name="owned">Disposed with the discovery (the network clients a composition made for it).</param>
    /// <exception cref="ArgumentException">An option is out of range, or the network parts are missing with DNS on.</exception>
    /// <exception cref="StaticPeersFileException">The static peers file cannot be used.</exception>
    public DomainDiscovery(
        IDiscoveryDns? dns,
        IDescriptorFetcher? fetcher,
        DiscoveryOptions options,
        KnownPeerKeys? known = null,
        ILogger<DomainDiscovery>? logger = null,
        TimeProvider? timeProvider = null,
        params IDisposable[] owned)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.DnsEnabled && (dns is null || fetcher is null))
        {
            throw new ArgumentException("DNS discovery is on (DiscoveryOptions.DnsEnabled) but no DNS client or descriptor fetcher was given.");
        }

        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _known = known;
        _owned = owned;
        _cache = new DiscoveryCache(options.MaxEntries);
        if (options.DnsEnabled)
        {
            _lookup = new DiscoveryLookup(dns!, fetcher!, options, _time, _logger);
        }

        if (options.StaticPeersFile is { } file)
        {
            _static = new StaticPeers(file, options.StaticPeersCheckInterval, _time, known, _logger);
        }

        NotificationPeers = new DiscoveryPeerResolver(this, _logger);
        Descriptors = new DiscoveryDescriptorResolver(this);
    }

    /// <summary>The notification scheduler's resolver over this discovery.</summary>
    public DiscoveryPeerResolver NotificationPeers { get; }

    /// <summary>The pull worker's descriptor resolver over this discovery (it revalidates on a key mismatch).</summary>
    public DiscoveryDescriptorResolver Descriptors { get; }

    /// <summary>What the discovery did so far.</summary>
    public DiscoveryCounters Counters { get; } = new();

    /// <summary>Domains in the cache, found or failed.</summary>
    public int CachedDomains => _cache.Count;

    /// <summary>The discovery's clock.</summary>
    internal DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Peers in the static peers file (0 without one).</summary>
    public int StaticPeerCount => _static?.Count ?? 0;

    /// <summary>
    /// The peer of <paramref name="domain"/>: from the static peers file (per <see cref="DiscoveryOptions.StaticPeersPrecedence"/>),
    /// the cache, or the network. Completes synchronously when the answer is cached. Never throws but for cancellation.
    /// </summary>
    public async ValueTask<DiscoveryResult> ResolveAsync(string domain, CancellationToken cancellationToken = default)
    {
        if (!TryNormalize(domain, out var name))
        {
            return DiscoveryResult.Fail(DiscoveryFailure.InvalidDomain, $"'{Excerpt(domain)}' is not a domain name (docs/PROTOCOL.md §2.4)", _time.GetUtcNow(), transient: false);
        }

        var listed = _static?.Find(name);
        if (listed is not null && (_options.StaticPeersPrecedence == StaticPeersPrecedence.First || _lookup is null))
        {
            Counters.StaticAnswer();
            return _static!.Result(listed, _options.MaxTtl);
        }

        if (_lookup is null)
        {
            return DiscoveryResult.Fail(DiscoveryFailure.NotListed, $"{name} is not in the static peers file and DNS discovery is off", _time.GetUtcNow() + _options.NegativeTtl, transient: false);
        }

        var result = await FromCacheOrNetworkAsync(name, cancellationToken).ConfigureAwait(false);
        if (!result.IsFound && listed is not null)
        {
            Counters.StaticAnswer();
            return _static!.Result(listed, _options.MaxTtl);
        }

        return result;
    }

    /// <summary>
    /// Looks <paramref name="domain"/> up again unless it was looked up less than <see cref="DiscoveryOptions.RevalidateInterval"/>
    /// ago: a notification under a key the cached descriptor does not have (docs/PROTOCOL.md §4.7) may mean the key changed.
    /// </summary>
    public async ValueTask<DiscoveryResult> RevalidateAsync(string domain, CancellationToken cancellationToken = default)
    {
        if (_lookup is null || !TryNormalize(domain, out var name) || (_static?.Find(name) is not null && _options.StaticPeersPrecedence == StaticPeersPrecedence.First))
        {
            return await ResolveAsync(domain, cancellationToken).ConfigureAwait(false);
        }

        if (_cache.Get(name) is { } entry && _time.GetUtcNow() - _cache.Read(entry, e => e.LookedUpAt) < _options.RevalidateInterval)
        {
            return await ResolveAsync(domain, cancellationToken).ConfigureAwait(false);
        }

        return await Lookup(name).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forgets what the cache holds for <paramref name="domain"/>; the next resolution asks the network.</summary>
    public bool Invalidate(string domain) => TryNormalize(domain, out var name) && _cache.Remove(name);

    private ValueTask<DiscoveryResult> FromCacheOrNetworkAsync(string name, CancellationToken cancellationToken)
    {
        if (_cache.Get(name) is { } entry)
        {
            var now = _time.GetUtcNow();
            var (result, refreshAt) = _cache.Read(entry, e => (e.Result, e.RefreshAt));
            if (now < result.ExpiresAt)
            {
                Counters.CacheHit();
                if (result.IsFound && now >= refreshAt)
                {
                    Prefetch(name);
                }

                return ValueTask.FromResult(result);
            }
        }

        return new ValueTask<DiscoveryResult>(Lookup(name).WaitAsync(cancellationToken));
    }

    private void Prefetch(string name)
    {
        lock (_flightLock)
        {
            if (_inFlight.ContainsKey(name))
            {
                return;
            }
        }

        Counters.Prefetch();
        _ = Lookup(name);
    }

    /// <summary>The lookup of <paramref name="name"/> under way, or a new one; its answer is stored before it completes.</summary>
    private Task<DiscoveryResult> Lookup(string name)
    {
        lock (_flightLock)
        {
            if (_inFlight.TryGetValue(name, out var running))
            {
                Counters.Joined();
                return running;
            }

            var lookup = LookupAndStoreAsync(name);
            _inFlight[name] = lookup;
            return lookup;
        }
    }

    private static bool TryNormalize(string? domain, out string name)
    {
        name = string.Empty;
        if (domain is null || domain.Length is 0 or > DomainName.MaxLength + 1)
        {
            return false;
        }

        var lower = domain.TrimEnd('.').ToLowerInvariant();
        foreach (var c in lower)
        {
            if (c > 127)
            {
                return false;
            }
        }

        if (!DomainName.IsValid(Encoding.ASCII.GetBytes(lower)))
        {
            return false;
        }

        name = lower;
        return true;
    }

    private static string Excerpt(string? text) => text is null ? "(null)" : text.Length <= 64 ? text : text[..64] + "…";

    /// <summary>Stops lookups under way and disposes the network clients given to own.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stop.Cancel();
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        _stop.Dispose();
    }
}
