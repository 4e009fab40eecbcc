namespace Tern.Transports.Fetch;

/// <summary>
/// What the fetch doors did with connections: how many are open, and how many were refused at accept or cut for reading
/// too slowly. Updated by the doors; read (racily, for metrics and tests) by anyone.
/// </summary>
public sealed class FetchConnectionCounters
{
    private long _open;
    private long _refusedPerSource;
    private long _refusedTotal;
    private long _tooSlow;

    /// <summary>Connections open now, over every door.</summary>
    public long Open => Volatile.Read(ref _open);

    /// <summary>Connections closed at accept because their source already had <see cref="FetchServerOptions.MaxConnectionsPerSource"/>.</summary>
    public long RefusedPerSource => Volatile.Read(ref _refusedPerSource);

    /// <summary>Connections closed at accept because the server already had <see cref="FetchServerOptions.MaxConnections"/>.</summary>
    public long RefusedTotal => Volatile.Read(ref _refusedTotal);

    /// <summary>
    /// Connections of Tern's own doors (framed, Tern's HTTP/1.1) aborted for taking a response below
    /// <see cref="FetchServerOptions.MinResponseDataRate"/>. Kestrel's HTTP doors log their own.
    /// </summary>
    public long TooSlow => Volatile.Read(ref _tooSlow);

    internal void Opened() => Interlocked.Increment(ref _open);

    internal void Closed() => Interlocked.Decrement(ref _open);

    internal void RefuseSource() => Interlocked.Increment(ref _refusedPerSource);

    internal void RefuseTotal() => Interlocked.Increment(ref _refusedTotal);

    internal void CutTooSlow() => Interlocked.Increment(ref _tooSlow);
}
