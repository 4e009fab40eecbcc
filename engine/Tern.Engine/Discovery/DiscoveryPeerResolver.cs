using Microsoft.Extensions.Logging;
using Tern.Engine.Notify;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Discovery;

/// <summary>
/// The notification scheduler's peer resolver over <see cref="DomainDiscovery"/>: the descriptor's agreement key and the
/// notification endpoint, valid for as long as discovery's answer is, so that the scheduler asks again when the cache
/// entry expires and a changed key or endpoint is used from then on.
/// </summary>
public sealed class DiscoveryPeerResolver : INotificationPeerResolver
{
    private readonly DomainDiscovery _discovery;
    private readonly ILogger _logger;

    internal DiscoveryPeerResolver(DomainDiscovery discovery, ILogger logger)
    {
        _discovery = discovery;
        _logger = logger;
    }

    /// <inheritdoc />
    public async ValueTask<NotificationPeer?> ResolveAsync(string domain, CancellationToken cancellationToken)
    {
        var result = await _discovery.ResolveAsync(domain, cancellationToken).ConfigureAwait(false);
        if (!result.IsFound)
        {
            return null;
        }

        var peer = result.Peer;
        if (peer.NotifyEndpoint is not { } endpoint)
        {
            DiscoveryLogMessages.NoNotifyEndpoint(_logger, peer.Domain, peer.NotifyEndpointProblem);
            return null;
        }

        // Asked again at the prefetch point (the cache answers and renews in the background), and then at the expiry, when
        // the renewed answer is already there: a changed key is used from the round the old answer expires in.
        var now = _discovery.Now;
        var validFor = (now < result.RefreshAt ? result.RefreshAt : result.ExpiresAt) - now;

        // §16.4: an announced rotation switches the key to seal to at rotates_at, so the answer holds no longer than that.
        var descriptor = peer.Descriptor;
        if (descriptor.RotationState == KeyRotationState.Announced && descriptor.RotatesAt is { } rotatesAt && rotatesAt > now && rotatesAt - now < validFor)
        {
            validFor = rotatesAt - now;
        }

        return new NotificationPeer(peer.Domain, descriptor.AgreementKeyAt(now), endpoint) { ValidFor = validFor > TimeSpan.Zero ? validFor : TimeSpan.Zero };
    }
}
