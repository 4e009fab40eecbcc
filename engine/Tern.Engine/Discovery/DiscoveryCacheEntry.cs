namespace Tern.Engine.Discovery;

/// <summary>What the cache keeps for one domain.</summary>
internal sealed class DiscoveryCacheEntry(string domain)
{
    public string Domain { get; } = domain;

    /// <summary>The answer in force until <see cref="DiscoveryResult.ExpiresAt"/>.</summary>
    public DiscoveryResult Result { get; set; }

    /// <summary>When a lookup answers from the entry but refreshes it in the background.</summary>
    public DateTimeOffset RefreshAt { get; set; }

    /// <summary>The last peer found, kept through transient failures (serve-stale) and for its fingerprints.</summary>
    public DiscoveredPeer? LastFound { get; set; }

    /// <summary>When <see cref="LastFound"/> stopped being fresh: the serve-stale window counts from here.</summary>
    public DateTimeOffset LastFoundExpiredAt { get; set; }

    /// <summary>When the last lookup from the network started; bounds forced revalidations.</summary>
    public DateTimeOffset LookedUpAt { get; set; }

    /// <summary>The node of the recency list.</summary>
    public LinkedListNode<DiscoveryCacheEntry>? Node { get; set; }
}
