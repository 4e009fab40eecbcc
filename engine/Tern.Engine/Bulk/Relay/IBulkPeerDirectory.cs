using System.Net;

namespace Tern.Engine.Bulk;

/// <summary>Where a peer gateway's bulk port listens: from its verified descriptor's <c>bulk</c> field (docs/PROTOCOL.md §6.1).</summary>
public interface IBulkPeerDirectory
{
    /// <summary>The bulk address of <paramref name="gateway"/>, or null when it publishes none or cannot be resolved now.</summary>
    ValueTask<IPEndPoint?> ResolveAsync(string gateway, CancellationToken cancellationToken);
}
