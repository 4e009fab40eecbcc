namespace Tern.Engine.Notify;

/// <summary>
/// Resolves a recipient domain to its agreement key and notification endpoint. The scheduler caches answers and asks
/// again after <see cref="NotificationSchedulerOptions.PeerRefreshInterval"/> or the answer's <see cref="NotificationPeer.ValidFor"/>,
/// whichever is sooner; DNS and descriptor fetches live behind it (<c>Discovery.DiscoveryPeerResolver</c>).
/// </summary>
public interface INotificationPeerResolver
{
    /// <summary>The peer of <paramref name="domain"/> (normalized), or null when it cannot be resolved now.</summary>
    ValueTask<NotificationPeer?> ResolveAsync(string domain, CancellationToken cancellationToken);
}
