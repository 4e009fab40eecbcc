using Tern.Engine.Discovery;
using Tern.Engine.Ingest;
using Tern.Transports.Discovery;

namespace Tern.Discovery.Tests;

/// <summary>
/// A real DNS server (dnsmasq) with a zone the test writes and a real HTTPS well-known endpoint (Kestrel, a certificate from
/// a test CA), both on loopback, and discoveries pointed at them.
/// </summary>
public sealed class DiscoveryHarness : IAsyncDisposable
{
    /// <summary>The names the web server's certificate covers.</summary>
    public static readonly string[] WebNames = ["b.example", "c.example", "d.example", "e.example", "f.example", "g.example"];

    private readonly List<IDisposable> _discoveries = [];

    private readonly TempDirectory _directory;

    private DiscoveryHarness(TempDirectory directory, PrivateCertificateAuthority certificates, WellKnownServer web, DnsmasqServer dns)
    {
        _directory = directory;
        Certificates = certificates;
        Web = web;
        Dns = dns;
    }

    public string Directory => _directory.Path;

    public PrivateCertificateAuthority Certificates { get; }

    public WellKnownServer Web { get; }

    public DnsmasqServer Dns { get; }

    public static async Task<DiscoveryHarness> StartAsync(IEnumerable<string> zone, int ttl = 60)
    {
        DnsmasqServer.RequireBinary();
        var directory = new TempDirectory("discovery");
        var certificates = new PrivateCertificateAuthority("Tern Test CA", TimeSpan.FromDays(2));
        WellKnownServer? web = null;
        try
        {
            web = await WellKnownServer.StartAsync(certificates.IssueServer(WebNames));
            var dns = await DnsmasqServer.StartAsync(directory.Path, zone, ttl);
            return new DiscoveryHarness(directory, certificates, web, dns);
        }
        catch
        {
            // A server that did not start fails the test; what did start is not left behind.
            if (web is not null)
            {
                await web.DisposeAsync();
            }

            certificates.Dispose();
            directory.Dispose();
            throw;
        }
    }

    /// <summary>Network options pointed at the test's DNS server, web port and CA.</summary>
    public DiscoveryNetworkOptions Network(bool trustTestCa = true)
    {
        var options = new DiscoveryNetworkOptions
        {
            DescriptorPort = Web.Port,
            DnsTimeout = TimeSpan.FromMilliseconds(500),
            DnsRetries = 0,
            DescriptorTimeout = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(2),
            TrustedRoots = trustTestCa ? [Certificates.Certificate] : null,
        };
        options.NameServers.Add(Dns.EndPoint);
        return options;
    }

    /// <summary>A discovery over the test's servers; disposed with the harness.</summary>
    public DomainDiscovery Discovery(Action<DiscoveryOptions>? configure = null, KnownPeerKeys? known = null, TimeProvider? clock = null, DiscoveryNetworkOptions? network = null)
    {
        var options = new DiscoveryOptions { MinTtl = TimeSpan.Zero, NegativeTtl = TimeSpan.FromSeconds(5), PrefetchRatio = 1 };
        configure?.Invoke(options);
        var discovery = NetworkDiscovery.Create(options, network ?? Network(), known, timeProvider: clock);
        _discoveries.Add(discovery);
        return discovery;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var discovery in _discoveries)
        {
            discovery.Dispose();
        }

        Dns.Dispose();
        await Web.DisposeAsync();
        Certificates.Dispose();
        _directory.Dispose();
    }
}
