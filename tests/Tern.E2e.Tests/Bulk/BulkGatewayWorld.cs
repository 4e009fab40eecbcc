using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Tern.Cli.Demo;
using Tern.Engine.Keys;
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
internal sealed class BulkGatewayWorld : StaticPeersWorld
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private UdpLink? _link;

    private BulkGatewayWorld(TernLauncher tern, string root)
        : base(tern, root)
    {
        A = new DemoNode(tern, root, "a.example");
        G1 = new DemoNode(tern, root, "g1.example");
        G2 = new DemoNode(tern, root, "g2.example");
        B = new DemoNode(tern, root, "b.example");
    }

    public DemoNode A { get; }

    public DemoNode G1 { get; }

    public DemoNode G2 { get; }

    public DemoNode B { get; }

    public override IEnumerable<DemoNode> Nodes => [A, G1, G2, B];

    /// <summary>The emulated link from g1.example's bulk port to g2.example's.</summary>
    public UdpLink Link => _link!;

    /// <summary>Starts the four; g1.example's plan has one contact to g2.example, open from now for a day at the link's rate.</summary>
    public static async Task<BulkGatewayWorld> StartAsync(TernLauncher tern, LinkProfile link, long rateBitsPerSecond, TimeSpan lightTime)
    {
        var world = new BulkGatewayWorld(tern, NewRoot("tern-bulk-"));
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

    protected override async ValueTask DisposeMoreAsync()
    {
        if (_link is not null)
        {
            await _link.DisposeAsync();
        }
    }

    /// <summary>The peer's descriptor with its bulk port, if any; g1.example is told g2.example's bulk address is the link's.</summary>
    protected override (byte[] Descriptor, string Fingerprint) Describe(DemoNode node, DemoNode peer)
    {
        var ports = peer.Ports!;
        var bulk = ports.Bulk is null ? null : node == G1 && peer == G2 ? Link.EndPoint.ToString() : ports.Bulk;
        using var keys = DomainKeySet.Load(TernDataDirectory.Keys(peer.DataDirectory));
        List<string> fetch = [$"tern+tcp://{ports.Framed}"];
        if (ports.Http is { } http)
        {
            fetch.Add($"http://{http}");
        }

        var descriptor = new DomainDescriptor(DomainDescriptor.For(keys, [$"udp://{ports.Notify}"], fetch, TimeSpan.FromDays(1), gateway: peer.Domain.StartsWith('g')))
        {
            Bulk = bulk is null ? null : [$"udp://{bulk}"],
        };
        return (SignedDescriptor.Sign(descriptor, keys), peer.Fingerprint);
    }

    private Dictionary<string, JsonNode?> Settings(DemoNode node)
    {
        var settings = LoopbackSettings(node);
        if (node == A)
        {
            RouteThrough(settings, "g1.example");
        }
        else if (node == G1 || node == G2)
        {
            Gateway(settings);
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
