using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Pull;

/// <summary>
/// Finds a domain's verified descriptor (docs/PROTOCOL.md §6): DNS TXT fingerprint plus the signed document from
/// <c>/.well-known/tern</c> or a framed door in a node; a fixed table in tests. Null when it cannot be had.
/// </summary>
public interface IDescriptorResolver
{
    /// <summary>The descriptor of <paramref name="domain"/>, already verified (signature, fingerprint, expiry), or null.</summary>
    ValueTask<DomainDescriptor?> ResolveAsync(string domain, CancellationToken cancellationToken);
}
