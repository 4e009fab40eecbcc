namespace Tern.Engine.Delivery;

/// <summary>
/// Resolves a recipient domain to its agreement key and notification endpoint. The scheduler caches answers and asks
/// again after <see cref="DeliverySchedulerOptions.PeerRefreshInterval"/>; DNS and descriptor fetches live behind it.
/// </summary>
public interface INotificationPeerResolver
{
    /// <summary>The peer of <paramref name="domain"/> (normalized), or null when it cannot be resolved now.</summary>
    ValueTask<NotificationPeer?> ResolveAsync(string domain, CancellationToken cancellationToken);
}
