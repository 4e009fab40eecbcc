using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tern.Cli.Demo;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Descriptor;
using Tern.Node;

namespace Tern.E2e.Tests;

/// <summary>
/// Three <c>tern run</c> processes on loopback (docs/PROTOCOL.md §10): a.example, whose route sends b.example's deliveries
/// through the gateway g.example (<c>Tern:Routes</c>); g.example in the Gateway role, taking a.example's blobs on its
/// HTTP door; b.example, trusting g.example's agreement key for <c>via_gateway</c> notifications (§4.7). They find each
/// other by static peers files (no DNS), each listing the other two's signed descriptors.
/// </summary>
internal sealed class GatewayWorld : IAsyncDisposable
{
    private const string PeersFile = "peers.json";

    /// <summary>How long each step of a test waits for the processes.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private GatewayWorld(TernLauncher tern, string root)
    {
        Tern = tern;
        Root = root;
        A = new DemoNode(tern, root, "a.example");
        G = new DemoNode(tern, root, "g.example");
        B = new DemoNode(tern, root, "b.example");
    }

    public TernLauncher Tern { get; }

    public string Root { get; }

    public DemoNode A { get; }

    public DemoNode G { get; }

    public DemoNode B { get; }

    public IEnumerable<DemoNode> Nodes => [A, G, B];

    /// <summary>The framed door g.example is told a.example has (a throttling proxy), instead of a.example's own.</summary>
    public string? SenderDoorForGateway { get; set; }

    /// <summary>A key set a.example is told is g.example's instead of the real one: g.example's receipts then do not verify there.</summary>
    public DomainKeySet? ImpostorGatewayKeys { get; set; }

    public static async Task<GatewayWorld> StartAsync(TernLauncher tern, Action<DemoNode, Dictionary<string, JsonNode?>>? configure = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "tern-gateway-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var world = new GatewayWorld(tern, root);
        try
        {
            await Task.WhenAll(world.Nodes.Select(n => n.InitAsync()));
            foreach (var node in world.Nodes)
            {
                var settings = world.Settings(node);
                configure?.Invoke(node, settings);
                node.Configure(settings);
            }

            await Task.WhenAll(world.Nodes.Select(n => n.StartAsync()));
            world.WritePeers();
            return world;
        }
        catch
        {
            await world.DisposeAsync();
            throw;
        }
    }

    /// <summary>A user of <paramref name="node"/> with a home under the world's directory.</summary>
    public DemoUser User(string name, DemoNode node) => new(Tern, name, node.Domain, Path.Combine(Root, "home", name));

    /// <summary>Starts <paramref name="node"/> again (after a kill or a stop) and republishes its new ports to the others.</summary>
    public async Task RestartAsync(DemoNode node)
    {
        await node.StartAsync();
        WritePeers();
    }

    /// <summary>
    /// alice@a.example and bob@b.example, each with a published user key, and a fresh hash bob watches; bob's node pulls
    /// a.example's messages at once unless <paramref name="pull"/> says otherwise (<c>tern prefer</c>).
    /// </summary>
    public async Task<(DemoUser Alice, DemoUser Bob, string Hash)> CorrespondentsAsync(string pull = "immediately")
    {
        var alice = User("alice", A);
        var bob = User("bob", B);
        foreach (var (user, node) in new[] { (alice, A), (bob, B) })
        {
            await user.JsonAsync("user", "add", "--name", user.Name, "--address", user.Address, "--data-dir", node.DataDirectory, "--save", node.ClientApi.ToString());
            var key = user.File($"{user.Name}.key");
            Assert.Equal(0, (await user.RunAsync("keys", "new", "--out", key)).ExitCode);
            var published = await user.RunAsync("keys", "publish", "--key", key);
            Assert.True(published.ExitCode == 0, published.Output);
        }

        var hash = RecipientHash.NewRandom().ToString();
        Assert.Equal(0, (await bob.RunAsync("hash", "add", hash)).ExitCode);
        Assert.Equal(0, (await bob.RunAsync("prefer", "a.example", "--pull", pull)).ExitCode);
        return (alice, bob, hash);
    }

    /// <summary>The state and notification count of the message's one delivery, as <c>tern status</c> shows alice.</summary>
    public static async Task<(string State, int NotificationsSent)> StatusAsync(DemoUser alice, string messageId)
    {
        var delivery = (await alice.JsonAsync("status", messageId)).GetProperty("deliveries")[0];
        return (delivery.GetProperty("state").GetString()!, delivery.GetProperty("notificationsSent").GetInt32());
    }

    /// <summary>The ids of bob's stored messages under <paramref name="hash"/> once there are <paramref name="count"/>, each from a.example.</summary>
    public async Task<List<string>> StoredAsync(DemoUser bob, string hash, int count)
    {
        JsonElement list = default;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            list = await bob.JsonAsync("stored", "--hash", hash);
            return list.GetProperty("messages").GetArrayLength() >= count;
        }, Patience), $"b.example stored {list.GetProperty("messages").GetArrayLength()} of {count} for bob\n{B.Process!.Tail(60)}\n{G.Process!.Tail(60)}");
        var ids = new List<string>();
        foreach (var message in list.GetProperty("messages").EnumerateArray())
        {
            Assert.Equal("a.example", message.GetProperty("senderDomain").GetString());
            ids.Add(message.GetProperty("id").GetString()!);
        }

        Assert.Equal(count, ids.Count);
        return ids;
    }

    /// <summary>The id of bob's one stored message under <paramref name="hash"/>, once b.example has pulled it.</summary>
    public async Task<string> StoredAsync(DemoUser bob, string hash) => (await StoredAsync(bob, hash, 1))[0];

    /// <summary>SIGTERM to every node still running; each must exit 0.</summary>
    public async Task StopAsync()
    {
        foreach (var node in Nodes)
        {
            await node.StopAsync();
        }
    }

    /// <summary>g.example's agreement key, as b.example trusts it.</summary>
    public string GatewayAgreementKey()
    {
        using var keys = DomainKeySet.Load(TernDataDirectory.Keys(G.DataDirectory));
        return new Bytes32(keys.AgreementPublicKey).ToString();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            node.Dispose();
        }

        await Task.Yield();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private Dictionary<string, JsonNode?> Settings(DemoNode node)
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
        if (node == A)
        {
            settings["Tern:Routes:b.example"] = "g.example";
            settings["Tern:Custody:RetryInitial"] = "00:00:00.200";
            settings["Tern:Custody:RetryMax"] = "00:00:01";
        }
        else if (node == G)
        {
            settings["Tern:Node:Role"] = "Gateway";
            settings["Tern:Node:HttpEndpoint"] = "127.0.0.1:0";
            settings["Tern:Node:HttpTls"] = false;
            settings["Tern:Gateway:Senders"] = new JsonArray("a.example");
            settings["Tern:Gateway:HighWaterFreeBytes"] = 0;
            settings["Tern:Gateway:OfferWait"] = "00:00:01";
            settings["Tern:Gateway:RetryAfter"] = "00:00:00.200";
        }
        else
        {
            settings["Tern:Node:TrustedGatewayKeys"] = new JsonArray(GatewayAgreementKey());
        }

        return settings;
    }

    /// <summary>Each node's peers file names the other two, their descriptors signed with the ports they run on now.</summary>
    public void WritePeers()
    {
        foreach (var node in Nodes)
        {
            var peers = new JsonArray();
            foreach (var peer in Nodes.Where(p => p != node && p.Ports is not null))
            {
                var file = $"{peer.Domain}.tern";
                var impostor = node == A && peer == G ? ImpostorGatewayKeys : null;
                var door = node == G && peer == A ? SenderDoorForGateway : null;
                File.WriteAllBytes(Path.Combine(node.DataDirectory, file), Describe(peer, door, impostor));
                var fingerprint = impostor?.Fingerprint ?? peer.Fingerprint;
                peers.Add(new JsonObject { ["domain"] = peer.Domain, ["descriptor"] = file, ["fingerprints"] = new JsonArray(fingerprint) });
            }

            var path = Path.Combine(node.DataDirectory, PeersFile);
            File.WriteAllText(path + ".new", new JsonObject { ["peers"] = peers }.ToJsonString());
            File.Move(path + ".new", path, overwrite: true);
        }
    }

    /// <summary>The node's signed descriptor: its framed door, and a gateway's HTTP door where offers go (§10.3).</summary>
    private static byte[] Describe(DemoNode node, string? framedDoor, DomainKeySet? impostor)
    {
        var ports = node.Ports!;
        using var own = DomainKeySet.Load(TernDataDirectory.Keys(node.DataDirectory));
        var keys = impostor ?? own;
        List<string> fetch = [$"tern+tcp://{framedDoor ?? ports.Framed}"];
        if (node.Domain == "g.example")
        {
            fetch.Add(string.Create(CultureInfo.InvariantCulture, $"http://{ports.Http}"));
        }

        var descriptor = DomainDescriptor.For(keys, [$"udp://{ports.Notify}"], fetch, TimeSpan.FromDays(1), gateway: node.Domain == "g.example");
        return SignedDescriptor.Sign(descriptor, keys);
    }
}
