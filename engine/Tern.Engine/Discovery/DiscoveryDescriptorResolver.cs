using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Pull;

namespace Tern.Engine.Discovery;

/// <summary>
/// The pull worker's descriptor resolver over <see cref="DomainDiscovery"/>: the verified descriptor with the fetch doors
/// discovery found (the descriptor's, then the <c>_tern._tcp</c> SRV door), and a revalidation when a notification's key
/// does not match it (docs/PROTOCOL.md §4.7).
/// </summary>
public sealed class DiscoveryDescriptorResolver : IDescriptorResolver, IDescriptorRevalidation
{
    private readonly DomainDiscovery _discovery;

    internal DiscoveryDescriptorResolver(DomainDiscovery discovery) => _discovery = discovery;

    /// <inheritdoc />
    public async ValueTask<DomainDescriptor?> ResolveAsync(string domain, CancellationToken cancellationToken)
    {
        var result = await _discovery.ResolveAsync(domain, cancellationToken).ConfigureAwait(false);
        return result.IsFound ? result.Peer.PullDescriptor() : null;
    }

    /// <inheritdoc />
    public async ValueTask<DomainDescriptor?> RevalidateAsync(string domain, CancellationToken cancellationToken)
    {
        var result = await _discovery.RevalidateAsync(domain, cancellationToken).ConfigureAwait(false);
        return result.IsFound ? result.Peer.PullDescriptor() : null;
    }
}
