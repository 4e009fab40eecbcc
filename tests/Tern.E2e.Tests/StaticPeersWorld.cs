using System.Text.Json.Nodes;
using Tern.Cli.Demo;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Node;

namespace Tern.E2e.Tests;

/// <summary>
/// <c>tern run</c> processes on loopback that find each other by static peers files (no DNS): what every such world of
/// the end-to-end tests shares. Each node listens on port 0 with plain-text fetch doors, retransmits and retries on
/// test time, and keeps the pending table small; after a start each node's peers file names the others, their
/// descriptors signed with the ports they run on now. A world adds its nodes, its routes and roles, and how a peer is
/// described to a node.
/// </summary>
internal abstract class StaticPeersWorld : IAsyncDisposable
{
    protected const string PeersFile = "peers.json";

    protected StaticPeersWorld(TernLauncher tern, string root)
    {
        Tern = tern;
        Root = root;
    }

    public TernLauncher Tern { get; }

    public string Root { get; }

    public abstract IEnumerable<DemoNode> Nodes { get; }

    /// <summary>A new world directory under the temporary directory, named with <paramref name="prefix"/>.</summary>
    protected static string NewRoot(string prefix)
    {
        var root = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        return root;
    }

    /// <summary>A user of <paramref name="node"/> with a home under the world's directory.</summary>
    public DemoUser User(string name, DemoNode node) => new(Tern, name, node.Domain, Path.Combine(Root, "home", name));

    /// <summary>Each node's peers file names the others, their descriptors signed with the ports they run on now.</summary>
    public void WritePeers()
    {
        foreach (var node in Nodes)
        {
            var peers = new JsonArray();
            foreach (var peer in Nodes.Where(p => p != node && p.Ports is not null))
            {
                var file = $"{peer.Domain}.tern";
                var (descriptor, fingerprint) = Describe(node, peer);
                File.WriteAllBytes(Path.Combine(node.DataDirectory, file), descriptor);
                peers.Add(new JsonObject { ["domain"] = peer.Domain, ["descriptor"] = file, ["fingerprints"] = new JsonArray(fingerprint) });
            }

            var path = Path.Combine(node.DataDirectory, PeersFile);
            File.WriteAllText(path + ".new", new JsonObject { ["peers"] = peers }.ToJsonString());
            File.Move(path + ".new", path, overwrite: true);
        }
    }

    /// <summary>The signed descriptor <paramref name="node"/> is given for <paramref name="peer"/>, and the fingerprint it pins.</summary>
    protected abstract (byte[] Descriptor, string Fingerprint) Describe(DemoNode node, DemoNode peer);

    /// <summary>The settings every node of a world starts with; writes the node an empty peers file until <see cref="WritePeers"/>.</summary>
    protected static Dictionary<string, JsonNode?> LoopbackSettings(DemoNode node)
    {
        var settings = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["Tern:Node:NotifyEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:FramedEndpoint"] = "127.0.0.1:0",
            ["Tern:Node:FetchTls"] = false,
            ["Tern:Node:AllowPlainTextFetchOnLoopback"] = true,
            // tern init writes the hint tern+tcp://node.<domain>:7401, a name nothing resolves here: without it the node
            // announces its bound framed door (and a gateway its HTTP door), which the peers' pulls can reach.
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
        return settings;
    }

    /// <summary>a.example's deliveries for b.example go through <paramref name="gateway"/>, its offers retried on test time.</summary>
    protected static void RouteThrough(Dictionary<string, JsonNode?> settings, string gateway)
    {
        settings["Tern:Routes:b.example"] = gateway;
        settings["Tern:Custody:RetryInitial"] = "00:00:00.200";
        settings["Tern:Custody:RetryMax"] = "00:00:01";
    }

    /// <summary>The Gateway role, taking a.example's blobs on a plain-text HTTP door, never declining for space.</summary>
    protected static void Gateway(Dictionary<string, JsonNode?> settings)
    {
        settings["Tern:Node:Role"] = "Gateway";
        settings["Tern:Node:HttpEndpoint"] = "127.0.0.1:0";
        settings["Tern:Node:HttpTls"] = false;
        settings["Tern:Gateway:Senders"] = new JsonArray("a.example");
        settings["Tern:Gateway:HighWaterFreeBytes"] = 0;
        settings["Tern:Gateway:OfferWait"] = "00:00:01";
        settings["Tern:Gateway:RetryAfter"] = "00:00:00.200";
    }

    /// <summary><paramref name="node"/>'s agreement key, as a recipient trusting it as a gateway names it.</summary>
    protected static string AgreementKeyOf(DemoNode node)
    {
        using var keys = DomainKeySet.Load(TernDataDirectory.Keys(node.DataDirectory));
        return new Bytes32(keys.AgreementPublicKey).ToString();
    }

    /// <summary>Anything else the world holds open, disposed after its nodes.</summary>
    protected virtual ValueTask DisposeMoreAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            node.Dispose();
        }

        await DisposeMoreAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
