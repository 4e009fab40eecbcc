using System.Globalization;
using System.Text.Json.Nodes;
using Tern.Engine.Protocol.Descriptor;
using Tern.Node;
using Tern.Transports.Discovery;

namespace Tern.Cli.Demo;

/// <summary>
/// The demo's world in a fresh temporary directory: a.example and b.example as <c>tern run</c> child processes, a DNS
/// server (dnsmasq) on loopback with their records, each node serving its own signed descriptor at
/// <c>https://&lt;domain&gt;/.well-known/tern</c> on its HTTP door under a certificate of the demo's own CA — or, in the
/// static variant, peers files and no DNS. Disposing it kills whatever
/// still runs and deletes the directory; <see cref="StopAsync"/> is the clean stop (SIGTERM, exit 0 checked).
/// </summary>
internal sealed class DemoCluster : IAsyncDisposable
{
    private const string TrustedRootsFile = "demo-ca.pem";
    private const string PeersFile = "peers.json";
    private readonly DemoClusterOptions _options;
    private readonly DemoNarrator _narrator;
    private readonly List<DemoUser> _users = [];
    private PrivateCertificateAuthority? _authority;
    private int _portA;
    private int _portB;
    private DemoDns? _dns;

    private DemoCluster(TernLauncher tern, string root, DemoClusterOptions options, DemoNarrator narrator)
    {
        Tern = tern;
        Root = root;
        _options = options;
        _narrator = narrator;
        A = new DemoNode(tern, root, "a.example");
        B = new DemoNode(tern, root, "b.example");
    }

    public TernLauncher Tern { get; }

    /// <summary>The temporary directory everything lives in.</summary>
    public string Root { get; }

    /// <summary>The sender's node.</summary>
    public DemoNode A { get; }

    /// <summary>The recipient's node.</summary>
    public DemoNode B { get; }

    /// <summary>The demo's CA, which issued each node's certificate, when the nodes discover each other over the network.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Authority => _authority?.Certificate;

    /// <summary>
    /// The descriptor <paramref name="node"/> serves at <c>https://&lt;domain&gt;/.well-known/tern</c>, verified against
    /// <paramref name="fingerprints"/> (the node's own from <c>tern init</c> unless given).
    /// </summary>
    public Task<DomainDescriptor> ServedDescriptorAsync(DemoNode node, IReadOnlyList<Engine.Protocol.Bytes32>? fingerprints = null) =>
        DemoWellKnown.ReadAsync(node, Authority ?? throw new InvalidOperationException("the static variant serves no descriptor over the network"), fingerprints);

    /// <summary>The delivery scheduler's longest retransmission interval, as the nodes are configured.</summary>
    public TimeSpan MaxRetransmitInterval => _options.MaxRetransmitInterval;

    /// <summary>The DNS server, when there is one.</summary>
    public DemoDns? Dns => _dns;

    /// <summary>Makes the demo's directory; <see cref="StartAsync()"/> brings the rest up.</summary>
    public static DemoCluster Create(TernLauncher tern, DemoClusterOptions options, DemoNarrator narrator)
    {
        var root = Path.Combine(Path.GetTempPath(), "tern-demo-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        return new DemoCluster(tern, root, options, narrator);
    }

    /// <summary>Makes the CA, the web server, DNS and both nodes, and waits until both are ready.</summary>
    public static async Task<DemoCluster> StartAsync(TernLauncher tern, DemoClusterOptions options, DemoNarrator narrator)
    {
        var cluster = Create(tern, options, narrator);
        try
        {
            await cluster.StartAsync().ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A user of <paramref name="node"/> with a home directory under the demo's directory.</summary>
    public DemoUser User(string name, DemoNode node)
    {
        var user = new DemoUser(Tern, name, node.Domain, Path.Combine(Root, "home", name));
        _users.Add(user);
        return user;
    }

    /// <summary>The zone's records for the nodes as they run now (with SRV records in the DNS variant).</summary>
    public IReadOnlyList<string> Zone(bool srv)
    {
        var records = new List<string>();
        foreach (var node in new[] { A, B })
        {
            records.Add($"txt-record=_tern.{node.Domain},\"{TernDnsRecords.FormatTxtValue(node.FingerprintBytes)}\"");
            records.Add($"host-record={node.Domain},127.0.0.1");
            records.Add($"host-record={node.Host},127.0.0.1");
            if (srv && node.Ports is { } ports)
            {
                var notify = Port(ports.Notify);
                var fetch = Port(node == A && _options.SenderFetchDoor is { } door ? door : ports.Framed!);
                records.Add(string.Create(CultureInfo.InvariantCulture, $"srv-host=_tern._udp.{node.Domain},{node.Host},{notify},10,10"));
                records.Add(string.Create(CultureInfo.InvariantCulture, $"srv-host=_tern._tcp.{node.Domain},{node.Host},{fetch},10,10"));
            }
        }

        return records;
    }

    /// <summary>Publishes what a restarted node's peers must now find (its ports change at each start).</summary>
    public async Task RepublishAsync()
    {
        switch (_options.Discovery)
        {
            case DemoDiscovery.Dns:
                // Each node signs its own descriptor with the ports it bound; only the SRV records are the demo's to write.
                await _dns!.ReplaceZoneAsync(Zone(srv: true)).ConfigureAwait(false);
                break;
            case DemoDiscovery.WellKnown:
                break;
            case DemoDiscovery.StaticPeers:
                WritePeers(A, B);
                WritePeers(B, A);
                break;
        }
    }

    /// <summary>SIGTERM to both nodes (each must exit 0 within its bound), then DNS and the web server.</summary>
    public async Task StopAsync()
    {
        var a = A.StopAsync();
        var b = B.StopAsync();
        var times = await Task.WhenAll(a, b).ConfigureAwait(false);
        _narrator.Step($"a.example and b.example stopped on SIGTERM, exit code 0 ({DemoNarrator.Duration(times[0])} and {DemoNarrator.Duration(times[1])}: intake closed, queues drained, stores checkpointed)");
        _dns?.Dispose();
        _dns = null;
    }

    /// <summary>Kills whatever still runs and deletes the directory; safe to call again (a start still under way).</summary>
    public async ValueTask DisposeAsync()
    {
        A.Dispose();
        B.Dispose();
        _dns?.Dispose();
        _dns = null;
        _authority?.Dispose();
        _authority = null;
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>Makes the CA, DNS and both nodes, and waits until both are ready.</summary>
    public async Task StartAsync()
    {
        _narrator.Step($"working in {Root}");
        await Task.WhenAll(A.InitAsync(), B.InitAsync()).ConfigureAwait(false);
        _narrator.Step($"tern init: a.example (fingerprint {A.Fingerprint[..12]}…) and b.example ({B.Fingerprint[..12]}…): keys, certificate, appsettings.json");

        if (_options.Discovery != DemoDiscovery.StaticPeers)
        {
            _authority = new PrivateCertificateAuthority("Tern demo CA");
            // Each node's HTTP door serves https://<domain>/.well-known/tern; a peer's descriptor port is the one setting
            // discovery has for it, so the doors' ports are chosen before either node starts and each is told the other's.
            (_portA, _portB) = (FreeTcpPort(), FreeTcpPort());
            _narrator.Step($"each node serves its own descriptor at https://<domain>/.well-known/tern: a.example on 127.0.0.1:{_portA}, b.example on 127.0.0.1:{_portB}, certificates from the demo's own CA");
            // SRV records name the nodes' ports, known once they run: the zone starts with the TXT and address records.
            _dns = await DemoDns.StartAsync(Root, Zone(srv: false)).ConfigureAwait(false);
            _narrator.Step($"dnsmasq on {_dns.EndPoint}: TXT _tern.<domain> (fingerprints), A records for the domains and their nodes");
        }

        Configure(A, sender: true);
        Configure(B, sender: false);
        var times = await Task.WhenAll(A.StartAsync(), B.StartAsync()).ConfigureAwait(false);
        foreach (var (node, time) in new[] { (A, times[0]), (B, times[1]) })
        {
            var ports = node.Ports!;
            _narrator.Step($"tern run {node.Domain}: ready in {DemoNarrator.Duration(time)} (pid {ports.ProcessId}): notifications udp://{ports.Notify}, framed door {ports.Framed}, client API {ports.ClientApi}");
        }

        await RepublishAsync().ConfigureAwait(false);
        switch (_options.Discovery)
        {
            case DemoDiscovery.Dns:
                _narrator.Step("DNS now publishes SRV _tern._udp and _tern._tcp for both; each node finds the other only through DNS and https://<domain>/.well-known/tern");
                break;
            case DemoDiscovery.WellKnown:
                _narrator.Step("no SRV records: each node takes the other's endpoints from its signed descriptor at https://<domain>/.well-known/tern");
                break;
            case DemoDiscovery.StaticPeers:
                _narrator.Step("no DNS: each node's static peers file lists the other's signed descriptor");
                break;
        }
    }

    private void Configure(DemoNode node, bool sender)
    {
        var settings = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["Tern:Node:NotifyEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:FramedEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:FetchTls"] = false,
            ["Tern:Node:AllowPlainTextFetchOnLoopback"] = true,
            ["Tern:Node:FetchHints"] = sender && _options.SenderFetchDoor is { } door ? new JsonArray($"tern+tcp://{door}") : null,
            ["Tern:Node:DrainTimeout"] = "00:00:02",
            ["Tern:Node:ShutdownTimeout"] = "00:00:20",
            ["Tern:ClientApi:Listen"] = "127.0.0.1:0",
            ["Tern:Admin:Listen"] = "127.0.0.1:0",
            ["Tern:Delivery:InitialRetransmitInterval"] = "00:00:00.250",
            ["Tern:Delivery:MaxRetransmitInterval"] = _options.MaxRetransmitInterval.ToString("c", CultureInfo.InvariantCulture),
            ["Tern:Delivery:TickInterval"] = "00:00:00.010",
            ["Tern:Delivery:PeerRetryInterval"] = "00:00:01",
            ["Tern:Pull:AttemptsPerSource"] = 600,
        };
        foreach (var (key, value) in TernSmallFootprint.PendingSettings)
        {
            settings[key] = value;
        }

        if (_options.Discovery == DemoDiscovery.StaticPeers)
        {
            settings["Tern:Discovery:DnsEnabled"] = false;
            settings["Tern:Discovery:StaticPeersFile"] = PeersFile;
            settings["Tern:Discovery:StaticPeersCheckInterval"] = "00:00:00.200";
            File.WriteAllText(Path.Combine(node.DataDirectory, PeersFile), "{\"peers\": []}\n");
        }
        else
        {
            settings["Tern:Node:NameServers"] = new JsonArray(_dns!.EndPoint.ToString());
            settings["Tern:Node:DescriptorTrustedRoots"] = TrustedRootsFile;
            var (own, peer) = node == A ? (_portA, _portB) : (_portB, _portA);
            settings["Tern:Node:HttpEndpoint"] = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{own}");
            settings["Tern:Node:HttpTls"] = true;
            settings["Tern:DiscoveryNetwork:DescriptorPort"] = peer;
            _authority!.WritePkcs12(Path.Combine(node.DataDirectory, "tls", "fetch.pfx"), node.Domain, node.Host);
            // A lookup that fails while the machine is busy (a DNS answer later than its timeout) is cached as a failure
            // for NegativeTtl, 60 s by default: too long for a demo that lasts a minute. The network here is the demo's own.
            settings["Tern:Discovery:NegativeTtl"] = "00:00:01";
            settings["Tern:DiscoveryNetwork:DnsTimeout"] = "00:00:05";
            _authority!.WritePem(Path.Combine(node.DataDirectory, TrustedRootsFile));
        }

        foreach (var (key, value) in node == A ? _options.SenderSettings : _options.RecipientSettings)
        {
            settings[key] = value?.DeepClone();
        }

        node.Configure(settings);
    }

    /// <summary>
    /// A TCP port free now on 127.0.0.1, which the node binds a moment later. Drawn below Linux's ephemeral range
    /// (32768–60999), where the kernel hands out the ports of outgoing connections and of listeners on port 0: on a busy
    /// machine (the test suite runs other nodes beside the demo) a port from that range is often taken again before the
    /// node binds it. Falls back to a kernel-chosen port when no drawn one is free.
    /// </summary>
    private static int FreeTcpPort()
    {
        for (var attempt = 0; attempt < 64; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_768);
            try
            {
                var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                probe.Start();
                probe.Stop();
                return port;
            }
            catch (System.Net.Sockets.SocketException)
            {
                // Taken: draw another.
            }
        }

        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var chosen = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return chosen;
    }

    /// <summary>Writes <paramref name="node"/>'s peers file naming <paramref name="peer"/>'s descriptor, pinned to its fingerprint.</summary>
    private void WritePeers(DemoNode node, DemoNode peer)
    {
        var descriptor = $"{peer.Domain}.tern";
        File.WriteAllBytes(Path.Combine(node.DataDirectory, descriptor), peer.SignDescriptor(peer == A ? _options.SenderFetchDoor : null));
        var peers = new JsonObject
        {
            ["peers"] = new JsonArray(new JsonObject
            {
                ["domain"] = peer.Domain,
                ["descriptor"] = descriptor,
                ["fingerprints"] = new JsonArray(peer.Fingerprint),
            }),
        };
        // Written whole then renamed: the node reads the file when its modification time changes.
        var file = Path.Combine(node.DataDirectory, PeersFile);
        File.WriteAllText(file + ".new", peers.ToJsonString());
        File.Move(file + ".new", file, overwrite: true);
    }

    private static int Port(string endPoint) => System.Net.IPEndPoint.Parse(endPoint).Port;
}
