namespace Tern.Node.Surfaces;

/// <summary>
/// Endpoint metadata: the route does not block before its first real wait (its disk work is awaited, not done on the
/// caller's thread), so on a surface with inline scheduling it may begin on the socket engine's thread while no other
/// request of such a route is in flight and its body is small and of known length (<see cref="SocketThreadGuard"/>).
/// One message at a time then skips the wake of a pool thread; under load each request still moves to the pool, so
/// the socket thread never carries the routes' work for many connections. Set with
/// <see cref="InlineRouteExtensions.RunsInlineWhenIdle"/>.
/// </summary>
internal sealed class RunsInlineWhenIdleMetadata(long maxBodyBytes)
{
    /// <summary>Longest body (by its Content-Length) a request may have to begin on the socket thread.</summary>
    public long MaxBodyBytes { get; } = maxBodyBytes;
}
