using System.Net;
using Tern.Engine.Protocol.Descriptor;

namespace Tern.Engine.Discovery;

/// <summary>
/// The DNS queries discovery makes (docs/PROTOCOL.md §6.3). Implemented over the network in
/// <c>transports/Tern.Transports.Discovery</c>; every method reports failures in its result and never throws but for
/// cancellation.
/// </summary>
public interface IDiscoveryDns
{
    /// <summary>SRV records at <paramref name="name"/> (<c>_tern._udp.&lt;domain&gt;</c> or <c>_tern._tcp.&lt;domain&gt;</c>).</summary>
    ValueTask<DnsLookup<SrvRecord>> QuerySrvAsync(string name, CancellationToken cancellationToken);

    /// <summary>TXT records at <paramref name="name"/>, each record's character-strings joined without separator (§6.3).</summary>
    ValueTask<DnsLookup<string>> QueryTxtAsync(string name, CancellationToken cancellationToken);

    /// <summary>The IPv4 and IPv6 addresses of <paramref name="host"/> (A and AAAA).</summary>
    ValueTask<DnsLookup<IPAddress>> QueryAddressesAsync(string host, CancellationToken cancellationToken);
}
