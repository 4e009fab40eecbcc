namespace Tern.Engine.Discovery;

/// <summary>What <see cref="DomainDiscovery"/> did, for metrics and tests. Thread-safe.</summary>
public sealed class DiscoveryCounters
{
    private long _networkLookups;
    private long _cacheHits;
    private long _coalesced;
    private long _failures;
    private long _staleServed;
    private long _prefetches;
    private long _keyChanges;
    private long _staticAnswers;

    /// <summary>Lookups that went to DNS and the descriptor's web server.</summary>
    public long NetworkLookups => Volatile.Read(ref _networkLookups);

    /// <summary>Answers given from the cache, found or failed.</summary>
    public long CacheHits => Volatile.Read(ref _cacheHits);

    /// <summary>Callers that joined a lookup of the same domain already under way.</summary>
    public long Coalesced => Volatile.Read(ref _coalesced);

    /// <summary>Network lookups that ended without a peer.</summary>
    public long Failures => Volatile.Read(ref _failures);

    /// <summary>Transient failures answered with the last peer found (serve-stale).</summary>
    public long StaleServed => Volatile.Read(ref _staleServed);

    /// <summary>Background refreshes of entries still in force.</summary>
    public long Prefetches => Volatile.Read(ref _prefetches);

    /// <summary>Lookups that found a different agreement key than the one before.</summary>
    public long KeyChanges => Volatile.Read(ref _keyChanges);

    /// <summary>Answers from the static peers file.</summary>
    public long StaticAnswers => Volatile.Read(ref _staticAnswers);

    internal void NetworkLookup() => Interlocked.Increment(ref _networkLookups);

    internal void CacheHit() => Interlocked.Increment(ref _cacheHits);

    internal void Joined() => Interlocked.Increment(ref _coalesced);

    internal void Failure() => Interlocked.Increment(ref _failures);

    internal void Stale() => Interlocked.Increment(ref _staleServed);

    internal void Prefetch() => Interlocked.Increment(ref _prefetches);

    internal void KeyChange() => Interlocked.Increment(ref _keyChanges);

    internal void StaticAnswer() => Interlocked.Increment(ref _staticAnswers);
}
