using Tern.Engine.Ingest;
using Tern.Engine.Protocol.Descriptor;
using Tern.Engine.Pull;

namespace Tern.Engine.Discovery;

/// <summary>
/// The pull side's descriptor resolver, teaching <see cref="KnownPeerKeys"/> the agreement key of every domain it
/// resolves a verified descriptor for: a domain this node pulls from keeps its key whatever else floods the ingest
/// (docs/ARCHITECTURE.md §3.6).
/// </summary>
public sealed class KnownPeerDescriptorResolver : IDescriptorResolver, IDescriptorRevalidation
{
    private readonly IDescriptorResolver _inner;
    private readonly KnownPeerKeys _known;

    /// <summary>Resolves through <paramref name="inner"/> and records each descriptor's agreement key in <paramref name="known"/>.</summary>
    public KnownPeerDescriptorResolver(IDescriptorResolver inner, KnownPeerKeys known)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(known);
        _inner = inner;
        _known = known;
    }

    /// <inheritdoc />
    public async ValueTask<DomainDescriptor?> ResolveAsync(string domain, CancellationToken cancellationToken)
    {
        var descriptor = await _inner.ResolveAsync(domain, cancellationToken).ConfigureAwait(false);
        if (descriptor is not null)
        {
            _known.Learn(descriptor.AgreementKey);
        }

        return descriptor;
    }

    /// <inheritdoc />
    public async ValueTask<DomainDescriptor?> RevalidateAsync(string domain, CancellationToken cancellationToken)
    {
        var descriptor = _inner is IDescriptorRevalidation revalidation
            ? await revalidation.RevalidateAsync(domain, cancellationToken).ConfigureAwait(false)
            : await _inner.ResolveAsync(domain, cancellationToken).ConfigureAwait(false);
        if (descriptor is not null)
        {
            _known.Learn(descriptor.AgreementKey);
        }

        return descriptor;
    }
}
