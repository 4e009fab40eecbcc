using System.Net;
using Tern.Engine.Pull;

namespace Tern.Engine.Bulk;

/// <summary>
/// Peer gateways' bulk addresses from their verified descriptors (docs/PROTOCOL.md §6.1 <c>bulk</c>): the first
/// <c>udp://host:port</c> entry, a host name resolved through DNS. A descriptor without the field has no bulk port.
/// </summary>
public sealed class DescriptorBulkPeers(IDescriptorResolver descriptors) : IBulkPeerDirectory
{
    /// <inheritdoc/>
    public async ValueTask<IPEndPoint?> ResolveAsync(string gateway, CancellationToken cancellationToken)
    {
        var descriptor = await descriptors.ResolveAsync(gateway, cancellationToken).ConfigureAwait(false);
        foreach (var entry in descriptor?.Bulk ?? [])
        {
            if (TryParse(entry, out var host, out var port))
            {
                if (IPAddress.TryParse(host, out var address))
                {
                    return new IPEndPoint(address, port);
                }

                try
                {
                    var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
                    if (addresses.Length > 0)
                    {
                        return new IPEndPoint(addresses[0], port);
                    }
                }
                catch (System.Net.Sockets.SocketException)
                {
                    // Not resolvable now: the next entry, or none (the relay tries again later).
                }
            }
        }

        return null;
    }

    /// <summary>Splits <c>udp://host:port</c> (an IPv6 host in brackets).</summary>
    public static bool TryParse(string entry, out string host, out int port)
    {
        host = "";
        port = 0;
        if (entry is null || !entry.StartsWith("udp://", StringComparison.Ordinal)
            || !Uri.TryCreate(entry, UriKind.Absolute, out var uri) || uri.Port is < 1 or > 65535 || uri.AbsolutePath is not ("" or "/"))
        {
            return false;
        }

        host = uri.Host.Trim('[', ']');
        port = uri.Port;
        return host.Length > 0;
    }
}
