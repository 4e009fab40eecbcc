using System.Collections.Concurrent;
using Tern.Engine.Protocol;

namespace Tern.Engine.Notify;

/// <summary>A resolver over peers set in memory (tests, demos, fixed federations). Thread-safe.</summary>
public sealed class StaticPeerResolver : INotificationPeerResolver
{
    private readonly ConcurrentDictionary<string, NotificationPeer> _peers = new(StringComparer.Ordinal);

    /// <summary>Adds or replaces the peer of <see cref="NotificationPeer.Domain"/>.</summary>
    public void Set(NotificationPeer peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        _peers[DomainName.Normalize(peer.Domain)] = peer;
    }

    /// <summary>Forgets a peer; later resolutions of it fail.</summary>
    public bool Remove(string domain) => _peers.TryRemove(DomainName.Normalize(domain), out _);

    /// <inheritdoc />
    public ValueTask<NotificationPeer?> ResolveAsync(string domain, CancellationToken cancellationToken)
        => ValueTask.FromResult(_peers.TryGetValue(domain, out var peer) ? peer : null);
}
