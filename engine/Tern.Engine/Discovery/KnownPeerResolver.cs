using Tern.Engine.Ingest;
using Tern.Engine.Notify;

namespace Tern.Engine.Discovery;

/// <summary>
/// The notification scheduler's peer resolver, teaching <see cref="KnownPeerKeys"/> every peer it resolves: a domain this
/// node notifies is a domain likely to notify it, and its key is derived before its first datagram arrives
/// (docs/ARCHITECTURE.md §3.6).
/// </summary>
public sealed class KnownPeerResolver : INotificationPeerResolver
{
    private readonly INotificationPeerResolver _inner;
    private readonly KnownPeerKeys _known;

    /// <summary>Resolves through <paramref name="inner"/> and records each answer's agreement key in <paramref name="known"/>.</summary>
    public KnownPeerResolver(INotificationPeerResolver inner, KnownPeerKeys known)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(known);
        _inner = inner;
        _known = known;
    }

    /// <inheritdoc />
    public async ValueTask<NotificationPeer?> ResolveAsync(string domain, CancellationToken cancellationToken)
    {
        var peer = await _inner.ResolveAsync(domain, cancellationToken).ConfigureAwait(false);
        if (peer is not null)
        {
            _known.Learn(peer.AgreementKey);
        }

        return peer;
    }
}
