namespace Tern.Engine.Discovery;

/// <summary>
/// The domains discovery knows, found or failed, at most <see cref="Capacity"/> of them; the least recently used goes
/// first. Lookups are per peer refresh and per pull, not per packet, so one lock suffices.
/// </summary>
internal sealed class DiscoveryCache(int capacity)
{
    private readonly Dictionary<string, DiscoveryCacheEntry> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<DiscoveryCacheEntry> _recency = new();
    private readonly Lock _lock = new();

    public int Capacity { get; } = capacity;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Evictions so far.</summary>
    public long Evicted { get; private set; }

    /// <summary>The entry of <paramref name="domain"/>, marked as used; null when there is none.</summary>
    public DiscoveryCacheEntry? Get(string domain)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(domain, out var entry))
            {
                return null;
            }

            Touch(entry);
            return entry;
        }
    }

    /// <summary>The entry of <paramref name="domain"/>, created (evicting the least recently used when full) if needed.</summary>
    public DiscoveryCacheEntry GetOrAdd(string domain)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(domain, out var entry))
            {
                Touch(entry);
                return entry;
            }

            while (_entries.Count >= Capacity && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Domain);
                oldest.Value.Node = null;
                Evicted++;
            }

            entry = new DiscoveryCacheEntry(domain);
            entry.Node = _recency.AddFirst(entry);
            _entries.Add(domain, entry);
            return entry;
        }
    }

    /// <summary>Runs <paramref name="update"/> on the entry under the cache's lock, so readers see it whole.</summary>
    public void Update(DiscoveryCacheEntry entry, Action<DiscoveryCacheEntry> update)
    {
        lock (_lock)
        {
            update(entry);
        }
    }

    /// <summary>Reads the entry under the cache's lock.</summary>
    public T Read<T>(DiscoveryCacheEntry entry, Func<DiscoveryCacheEntry, T> read)
    {
        lock (_lock)
        {
            return read(entry);
        }
    }

    /// <summary>Forgets <paramref name="domain"/>.</summary>
    public bool Remove(string domain)
    {
        lock (_lock)
        {
            if (!_entries.Remove(domain, out var entry))
            {
                return false;
            }

            if (entry.Node is { } node)
            {
                _recency.Remove(node);
                entry.Node = null;
            }

            return true;
        }
    }

    private void Touch(DiscoveryCacheEntry entry)
    {
        if (entry.Node is { } node && node != _recency.First)
        {
            _recency.Remove(node);
            _recency.AddFirst(node);
        }
    }
}
