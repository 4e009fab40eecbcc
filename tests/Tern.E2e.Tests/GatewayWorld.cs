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
internal sealed class GatewayWorld : StaticPeersWorld
{
    /// <summary>How long each step of a test waits for the processes.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private GatewayWorld(TernLauncher tern, string root)
        : base(tern, root)
    {
        A = new DemoNode(tern, root, "a.example");
        G = new DemoNode(tern, root, "g.example");
        B = new DemoNode(tern, root, "b.example");
    }

    public DemoNode A { get; }

    public DemoNode G { get; }

    public DemoNode B { get; }

    public override IEnumerable<DemoNode> Nodes => [A, G, B];

    /// <summary>The framed door g.example is told a.example has (a throttling proxy), instead of a.example's own.</summary>
    public string? SenderDoorForGateway { get; set; }

    /// <summary>A key set a.example is told is g.example's instead of the real one: g.example's receipts then do not verify there.</summary>
    public DomainKeySet? ImpostorGatewayKeys { get; set; }

    public static async Task<GatewayWorld> StartAsync(TernLauncher tern, Action<DemoNode, Dictionary<string, JsonNode?>>? configure = null)
    {
        var world = new GatewayWorld(tern, NewRoot("tern-gateway-"));
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
    public string GatewayAgreementKey() => AgreementKeyOf(G);

    private Dictionary<string, JsonNode?> Settings(DemoNode node)
    {
        var settings = LoopbackSettings(node);
        if (node == A)
        {
            RouteThrough(settings, "g.example");
        }
        else if (node == G)
        {
            Gateway(settings);
        }
        else
        {
            settings["Tern:Node:TrustedGatewayKeys"] = new JsonArray(GatewayAgreementKey());
        }

        return settings;
    }

    /// <summary>
    /// The peer's descriptor: its framed door (for g.example, a.example's throttling proxy when set), and a gateway's
    /// HTTP door where offers go (§10.3); a.example is given the impostor's keys for g.example when set.
    /// </summary>
    protected override (byte[] Descriptor, string Fingerprint) Describe(DemoNode node, DemoNode peer)
    {
        var impostor = node == A && peer == G ? ImpostorGatewayKeys : null;
        var framedDoor = node == G && peer == A ? SenderDoorForGateway : null;
        var ports = peer.Ports!;
        using var own = DomainKeySet.Load(TernDataDirectory.Keys(peer.DataDirectory));
        var keys = impostor ?? own;
        List<string> fetch = [$"tern+tcp://{framedDoor ?? ports.Framed}"];
        if (peer == G)
        {
            fetch.Add(string.Create(CultureInfo.InvariantCulture, $"http://{ports.Http}"));
        }

        var descriptor = DomainDescriptor.For(keys, [$"udp://{ports.Notify}"], fetch, TimeSpan.FromDays(1), gateway: peer == G);
        return (SignedDescriptor.Sign(descriptor, keys), impostor?.Fingerprint ?? peer.Fingerprint);
    }
}
