using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Tern.Transports.Discovery;

/// <summary>
/// Where discovery's DNS queries and descriptor fetches go and how long they may take (docs/DISCOVERY.md). Validated when
/// the discovery is created, which refuses a bad value with an error naming the option, the value and the rule.
/// </summary>
public sealed class DiscoveryNetworkOptions
{
    /// <summary>
    /// Name servers to ask (address and port), in order. Empty: the system's, from <c>/etc/resolv.conf</c>. Tests point it
    /// at a server on <c>127.0.0.1:&lt;port&gt;</c>. Defaults to empty.
    /// </summary>
    public IList<IPEndPoint> NameServers { get; } = [];

    /// <summary>How long one DNS query waits for one server's answer. Defaults to 2 s.</summary>
    public TimeSpan DnsTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Retries of a DNS query on one server after a timeout or a network error, 0–5. Defaults to 1.</summary>
    public int DnsRetries { get; set; } = 1;

    /// <summary>
    /// Port of <c>https://&lt;domain&gt;/.well-known/tern</c>. The protocol's is 443 (docs/PROTOCOL.md §6.2); another value is
    /// for tests and private set-ups. Defaults to 443.
    /// </summary>
    public int DescriptorPort { get; set; } = 443;

    /// <summary>How long fetching one descriptor may take in all: connection, TLS, headers and body. Defaults to 10 s.</summary>
    public TimeSpan DescriptorTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one TCP connection attempt to the descriptor's server may take. Defaults to 5 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Certificate authorities the descriptor's HTTPS server must chain to instead of the system's, for tests and private
    /// PKIs; the server's name is checked either way, and an invalid certificate is never accepted. Null: the system's
    /// trust store. Defaults to null.
    /// </summary>
    public X509Certificate2Collection? TrustedRoots { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        foreach (var server in NameServers)
        {
            Require(server is not null && server.Port is > 0 and <= 65535, nameof(NameServers), server?.ToString() ?? "null", "addresses with a port of 1–65535");
        }

        Require(DnsTimeout >= TimeSpan.FromMilliseconds(10) && DnsTimeout <= TimeSpan.FromMinutes(1), nameof(DnsTimeout), DnsTimeout, "between 10 ms and 1 minute");
        Require(DnsRetries is >= 0 and <= 5, nameof(DnsRetries), DnsRetries, "between 0 and 5");
        Require(DescriptorPort is > 0 and <= 65535, nameof(DescriptorPort), DescriptorPort, "between 1 and 65535");
        Require(DescriptorTimeout >= TimeSpan.FromMilliseconds(10) && DescriptorTimeout <= TimeSpan.FromMinutes(5), nameof(DescriptorTimeout), DescriptorTimeout, "between 10 ms and 5 minutes");
        Require(ConnectTimeout >= TimeSpan.FromMilliseconds(10) && ConnectTimeout <= DescriptorTimeout, nameof(ConnectTimeout), ConnectTimeout, "between 10 ms and DescriptorTimeout");
        Require(TrustedRoots is null || TrustedRoots.Count > 0, nameof(TrustedRoots), "(empty)", "null (the system's trust store) or at least one certificate");
    }

    private static void Require(bool condition, string name, object value, string expected)
    {
        if (!condition)
        {
            throw new ArgumentException($"DiscoveryNetworkOptions.{name} is {value}; it must be {expected}.");
        }
    }
}
