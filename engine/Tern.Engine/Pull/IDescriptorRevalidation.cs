using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Pull;

/// <summary>
/// A descriptor resolver that can look a domain up again past its cache: the pull worker asks when a notification's key
/// is not the cached descriptor's, since the domain may have changed its key (docs/PROTOCOL.md §4.7). The resolver bounds
/// how often, as anyone can send such notifications.
/// </summary>
public interface IDescriptorRevalidation
{
    /// <summary>The descriptor of <paramref name="domain"/>, looked up again if the resolver allows it now; null when none verifies.</summary>
    ValueTask<DomainDescriptor?> RevalidateAsync(string domain, CancellationToken cancellationToken);
}
