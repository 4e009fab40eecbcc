using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Tern.Cli.Demo;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.LinkEmulator;
using Tern.Node;

namespace Tern.E2e.Tests.Bulk;

/// <summary>
/// Four <c>tern run</c> processes on loopback (docs/PROTOCOL.md §10, §17): a.example routes b.example's deliveries to the
/// gateway g1.example (<c>Tern:Routes</c>); g1.example's bulk next hop for b.example is g2.example, over its contact plan's
/// contact g1 → g2 and the link emulator's GEO link between their bulk ports; g2.example takes g1.example's sessions and
/// notifies b.example in a.example's place; b.example trusts g2.example's agreement key. They find each other by static
/// peers files, g1.example being told g2.example's bulk address is the link's.
/// </summary>
internal sealed class BulkGatewayWorld : IAsyncDisposable
{
    private const string PeersFile = "peers.json";

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private UdpLink? _link;

    private BulkGatewayWorld(TernLauncher tern, string root)
    {
        Tern = tern;
        Root = root;
        A = new DemoNode(tern, root, "a.example");
        G1 = new DemoNode(tern, root, "g1.example");
        G2 = new DemoNode(tern, root, "g2.example");
        B = new DemoNode(tern, root, "b.example");
    }

    public TernLauncher Tern { get; }

    public string Root { get; }

    public DemoNode A { get; }

    public DemoNode G1 { get; }

    public DemoNode G2 { get; }

    public DemoNode B { get; }

    public IEnumerable<DemoNode> Nodes => [A, G1, G2, B];

    /// <summary>The emulated link from g1.example's bulk port to g2.example's.</summary>
    public UdpLink Link => _link!;

    /// <summary>Starts the four; g1.example's plan has one contact to g2.example, open from now for a day at the link's rate.</summary>
    public static async Task<BulkGatewayWorld> StartAsync(TernLauncher tern, LinkProfile link, long rateBitsPerSecond, TimeSpan lightTime)
    {
        var root = Path.Combine(Path.GetTempPath(), "tern-bulk-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var world = new BulkGatewayWorld(tern, root);
        try
        {
            await Task.WhenAll(world.Nodes.Select(n => n.InitAsync()));
            var start = DateTimeOffset.UtcNow.AddMinutes(-1);
            var plan = new JsonObject
            {
                ["contacts"] = new JsonArray(new JsonObject
                {
                    ["contact"] = "geo-g2",
                    ["source"] = "g1.example",
                    ["destination"] = "g2.example",
                    ["start"] = start.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    ["end"] = start.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                    ["rateBitsPerSecond"] = rateBitsPerSecond,
                    ["oneWayLightTimeSeconds"] = lightTime.TotalSeconds,
                }),
            };
            await File.WriteAllTextAsync(Path.Combine(world.G1.DataDirectory, "contacts.json"), plan.ToJsonString());
            foreach (var node in world.Nodes)
            {
                node.Configure(world.Settings(node));
            }

            await Task.WhenAll(world.Nodes.Select(n => n.StartAsync()));
            world._link = new UdpLink(IPEndPoint.Parse(world.G2.Ports!.Bulk!), link);
            world.WritePeers();
            return world;
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    public DemoUser User(string name, DemoNode node) => new(Tern, name, node.Domain, Path.Combine(Root, "home", name));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            node.Dispose();
        }

        if (_link is not null)
        {
            await _link.DisposeAsync();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>Each node's peers file names the other three, their descriptors signed with the ports they run on now.</summary>
    public void WritePeers()
    {
        foreach (var node in Nodes)
        {
            var peers = new JsonArray();
            foreach (var peer in Nodes.Where(p => p != node && p.Ports is not null))
            {
                var file = $"{peer.Domain}.tern";
                var bulk = peer.Ports!.Bulk is null ? null : node == G1 && peer == G2 ? Link.EndPoint.ToString() : peer.Ports.Bulk;
                File.WriteAllBytes(Path.Combine(node.DataDirectory, file), Describe(peer, bulk));
                peers.Add(new JsonObject { ["domain"] = peer.Domain, ["descriptor"] = file, ["fingerprints"] = new JsonArray(peer.Fingerprint) });
            }

            var path = Path.Combine(node.DataDirectory, PeersFile);
            File.WriteAllText(path + ".new", new JsonObject { ["peers"] = peers }.ToJsonString());
            File.Move(path + ".new", path, overwrite: true);
        }
    }

    private static byte[] Describe(DemoNode node, string? bulk)
    {
        var ports = node.Ports!;
        using var keys = DomainKeySet.Load(TernDataDirectory.Keys(node.DataDirectory));
        List<string> fetch = [$"tern+tcp://{ports.Framed}"];
        if (ports.Http is { } http)
        {
            fetch.Add($"http://{http}");
        }

        var descriptor = new DomainDescriptor(DomainDescriptor.For(keys, [$"udp://{ports.Notify}"], fetch, TimeSpan.FromDays(1), gateway: node.Domain.StartsWith('g')))
        {
            Bulk = bulk is null ? null : [$"udp://{bulk}"],
        };
        return SignedDescriptor.Sign(descriptor, keys);
    }

    private static string AgreementKeyOf(DemoNode node)
    {
        using var keys = DomainKeySet.Load(TernDataDirectory.Keys(node.DataDirectory));
        return new Bytes32(keys.AgreementPublicKey).ToString();
    }

    private Dictionary<string, JsonNode?> Settings(DemoNode node)
    {
        var settings = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["Tern:Node:NotifyEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:FramedEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:FetchTls"] = false,
            ["Tern:Node:AllowPlainTextFetchOnLoopback"] = true,
            ["Tern:Node:FetchHints"] = null,
            ["Tern:Node:DrainTimeout"] = "00:00:02",
            ["Tern:Node:ShutdownTimeout"] = "00:00:20",
            ["Tern:ClientApi:Listen"] = "127.0.0.1:0",
            ["Tern:Admin:Listen"] = "127.0.0.1:0",
            ["Tern:Delivery:InitialRetransmitInterval"] = "00:00:00.250",
            ["Tern:Delivery:MaxRetransmitInterval"] = "00:00:02",
            ["Tern:Delivery:TickInterval"] = "00:00:00.010",
            ["Tern:Delivery:PeerRetryInterval"] = "00:00:01",
            ["Tern:Pull:AttemptsPerSource"] = 600,
            ["Tern:Discovery:DnsEnabled"] = false,
            ["Tern:Discovery:StaticPeersFile"] = PeersFile,
            ["Tern:Discovery:StaticPeersCheckInterval"] = "00:00:00.200",
        };
        foreach (var (key, value) in TernSmallFootprint.PendingSettings)
        {
            settings[key] = value;
        }

        File.WriteAllText(Path.Combine(node.DataDirectory, PeersFile), "{\"peers\": []}\n");
        if (node == A)
        {
            settings["Tern:Routes:b.example"] = "g1.example";
            settings["Tern:Custody:RetryInitial"] = "00:00:00.200";
            settings["Tern:Custody:RetryMax"] = "00:00:01";
        }
        else if (node == G1 || node == G2)
        {
            settings["Tern:Node:Role"] = "Gateway";
            settings["Tern:Node:HttpEndpoint"] = "127.0.0.1:0";
            settings["Tern:Node:HttpTls"] = false;
            settings["Tern:Gateway:Senders"] = new JsonArray("a.example");
            settings["Tern:Gateway:HighWaterFreeBytes"] = 0;
            settings["Tern:Gateway:OfferWait"] = "00:00:01";
            settings["Tern:Gateway:RetryAfter"] = "00:00:00.200";
            settings["Tern:Gateway:Bulk:Endpoint"] = "127.0.0.1:0";
            settings["Tern:Gateway:Bulk:RetryInterval"] = "00:00:01";
            // A loaded two-core machine stalls a process for a second now and then: more slack than 200 ms a round.
            settings["Tern:Gateway:Bulk:Sender:ReportSlack"] = "00:00:01";
            settings["Tern:Gateway:Bulk:Sender:ReceiptWait"] = "00:00:05";
            if (node == G1)
            {
                settings["Tern:Gateway:Bulk:NextHops:b.example"] = "g2.example";
            }
            else
            {
                settings["Tern:Gateway:Bulk:Receiver:Senders"] = new JsonArray("g1.example");
            }
        }
        else
        {
            settings["Tern:Node:TrustedGatewayKeys"] = new JsonArray(AgreementKeyOf(G2));
        }

        return settings;
    }
}
