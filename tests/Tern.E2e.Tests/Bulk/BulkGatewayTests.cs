using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Tern.Engine.Protocol;
using Tern.LinkEmulator;

namespace Tern.E2e.Tests.Bulk;

/// <summary>
/// Issue 17, deliverable 2 as <c>tern run</c> runs it (<see cref="BulkGatewayWorld"/>): a.example hands b.example's delivery
/// to g1.example over HTTP (§10); g1.example carries it to g2.example in a bulk session over an emulated GEO link inside
/// its contact plan's window (§17); g2.example notifies b.example in a.example's place and serves the pull.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class BulkGatewayTests
{
    private static readonly TimeSpan Patience = BulkGatewayWorld.Patience;

    [Fact]
    public async Task A_sealed_blob_crosses_two_gateways_by_bulk_over_a_geo_link_and_hostile_datagrams_at_the_bulk_ports_get_silence()
    {
        // GEO: 300 ms each way, 1 % loss each way, 20 Mbit/s towards g2.example and 2 Mbit/s back.
        var geo = LinkPresets.Geo();
        var profile = new LinkProfile { ToTarget = geo.FromTarget, FromTarget = geo.ToTarget, Seed = 17 };
        await using var world = await BulkGatewayWorld.StartAsync(Processes.Tern, profile, 20_000_000, TimeSpan.FromMilliseconds(300));
        var (alice, bob, hash) = await CorrespondentsAsync(world);
        var letter = alice.File("letter.txt");
        var text = "bob, this crossed two blind gateways and a GEO hop in one bulk session: " + Guid.NewGuid();
        await File.WriteAllTextAsync(letter, text);

        var sent = await alice.JsonAsync("send", letter, "--to", $"{hash}@b.example", "--seal-to", bob.File("bob.key.pub"), "--key", alice.File("alice.key"));
        var messageId = sent.GetProperty("messageId").GetString()!;

        // b.example was notified by g2.example and pulled from it; bob opens alice's letter, byte for byte.
        var id = await StoredAsync(world, bob, hash);
        var opened = await bob.RunAsync("fetch", id, "--open-with", bob.File("bob.key"), "--out", bob.File("letter.txt"));
        Assert.True(opened.ExitCode == 0, opened.Output);
        Assert.Equal(text, await File.ReadAllTextAsync(bob.File("letter.txt")));
        var stored = Assert.Single((await bob.JsonAsync("stored", "--hash", hash)).GetProperty("messages").EnumerateArray());
        Assert.Equal((await alice.JsonAsync("status", messageId)).GetProperty("payloadHash").GetString(), stored.GetProperty("payloadHash").GetString());

        // The blob went over the emulated link in a session g1.example saw receipted (event 7101), and g2.example served it.
        Assert.True(world.Link.ToTarget.PacketsIn > 0);
        Assert.Contains("receipted", world.G1.Process!.Output, StringComparison.Ordinal);
        var size = stored.GetProperty("size").GetInt64();
        Assert.Equal(size, (await Exposition.ScrapeAsync(world.G2)).Sum("tern_fetch_served_bytes_total"));

        // g1.example held the delivery for its next hop: it never notified b.example, before the receipt or after, and
        // nobody fetched from it.
        var g1 = await Exposition.ScrapeAsync(world.G1);
        Assert.Equal(0, g1["tern_delivery_records_sent_total"]);
        Assert.Equal(0, g1.Sum("tern_fetch_served_bytes_total"));
        Assert.Equal("transferred", (await alice.JsonAsync("status", messageId)).GetProperty("deliveries")[0].GetProperty("state").GetString());

        // Datagrams from no peer at both bulk ports (§17.2): each dropped and counted, none answered.
        using var hostile = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var before = (await Exposition.ScrapeAsync(world.G2)).Sum("tern_bulk_dropped_total") + (await Exposition.ScrapeAsync(world.G1)).Sum("tern_bulk_dropped_total");
        var datagrams = HostileDatagrams();
        foreach (var gateway in new[] { world.G1, world.G2 })
        {
            foreach (var datagram in datagrams)
            {
                await hostile.SendAsync(datagram, IPEndPoint.Parse(gateway.Ports!.Bulk!));
            }
        }

        Assert.True(await Eventually.TrueAsync(async () =>
            (await Exposition.ScrapeAsync(world.G2)).Sum("tern_bulk_dropped_total") + (await Exposition.ScrapeAsync(world.G1)).Sum("tern_bulk_dropped_total") - before >= 2 * (datagrams.Count - 1), Patience));
        using (var silence = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await hostile.ReceiveAsync(silence.Token));
        }

        foreach (var node in world.Nodes)
        {
            await node.StopAsync();
        }
    }

    [Fact]
    public async Task A_gateway_stopped_by_sigterm_mid_session_keeps_the_blob_and_carries_it_after_its_restart()
    {
        // 300 ms each way at 1 Mbit/s: 1 MB takes g1.example 8 s to send; it is stopped about 2 s in.
        var way = new DirectionProfile { Delay = TimeSpan.FromMilliseconds(300), RateBitsPerSecond = 1_000_000, QueueLimitBytes = 1 << 20 };
        await using var world = await BulkGatewayWorld.StartAsync(Processes.Tern, new LinkProfile { ToTarget = way, FromTarget = way }, 1_000_000, TimeSpan.FromMilliseconds(300));
        var (alice, bob, hash) = await CorrespondentsAsync(world);
        var path = alice.File("large.bin");
        await File.WriteAllBytesAsync(path, RandomBytes(1_000_000));
        var sent = await alice.JsonAsync("send", path, "--to", $"{hash}@b.example");
        var messageId = sent.GetProperty("messageId").GetString()!;

        Assert.True(await Eventually.TrueAsync(() => world.Link.ToTarget.PacketsIn > 150, Patience), $"no session began\n{world.G1.Process!.Tail(60)}");
        await world.G1.StopAsync();

        // Stopped with exit 0 before the session's receipt: g2.example committed nothing, bob has nothing.
        Assert.Equal(0, (await Exposition.ScrapeAsync(world.G2))["tern_bulk_sessions_received_total{outcome=\"completed\"}"]);
        Assert.Equal(0, (await bob.JsonAsync("stored", "--hash", hash)).GetProperty("messages").GetArrayLength());

        // Restarted, g1.example holds the delivery again and the window still open carries it whole.
        await world.G1.StartAsync();
        world.WritePeers();
        await StoredAsync(world, bob, hash);
        var stored = Assert.Single((await bob.JsonAsync("stored", "--hash", hash)).GetProperty("messages").EnumerateArray());
        Assert.Equal((await alice.JsonAsync("status", messageId)).GetProperty("payloadHash").GetString(), stored.GetProperty("payloadHash").GetString());
        Assert.Equal(1, (await Exposition.ScrapeAsync(world.G2))["tern_bulk_sessions_received_total{outcome=\"completed\"}"]);

        foreach (var node in world.Nodes)
        {
            await node.StopAsync();
        }
    }

    private static byte[] RandomBytes(int size)
    {
        var bytes = new byte[size];
        new Random(17).NextBytes(bytes);
        return bytes;
    }

    /// <summary>
    /// Written from PROTOCOL.md §17.2's tables: noise, a header of another version, one with a non-zero byte 3, an unknown
    /// type, a report, a receipt and a cancel of sessions nobody holds, and a data datagram that is not a checkpoint (it
    /// opens a session the receiver drops when it stays silent: the one not counted as dropped).
    /// </summary>
    private static List<byte[]> HostileDatagrams()
    {
        var random = new Random(17);
        byte[] Header(byte version, byte type, byte flags, byte zero, int body)
        {
            var datagram = new byte[20 + body];
            datagram[0] = version;
            datagram[1] = type;
            datagram[2] = flags;
            datagram[3] = zero;
            random.NextBytes(datagram.AsSpan(4, 16));
            return datagram;
        }

        var noise = new byte[300];
        random.NextBytes(noise);
        var report = Header(1, 2, 0x01, 0, 14);
        BinaryPrimitives.WriteUInt32BigEndian(report.AsSpan(20), 1);
        BinaryPrimitives.WriteUInt64BigEndian(report.AsSpan(24), 1000);
        var receipt = Header(1, 3, 0, 0, 200);
        random.NextBytes(receipt.AsSpan(20));
        var cancel = Header(1, 4, 0, 0, 1);
        cancel[20] = 1;
        var data = Header(1, 1, 0, 0, 20 + 100);
        BinaryPrimitives.WriteUInt64BigEndian(data.AsSpan(24), 100_000);
        return [noise, [1], Header(2, 1, 0, 0, 40), Header(1, 1, 0, 7, 40), Header(1, 9, 0, 0, 40), report, receipt, cancel, data];
    }

    private static async Task<(Tern.Cli.Demo.DemoUser Alice, Tern.Cli.Demo.DemoUser Bob, string Hash)> CorrespondentsAsync(BulkGatewayWorld world)
    {
        var alice = world.User("alice", world.A);
        var bob = world.User("bob", world.B);
        foreach (var (user, node) in new[] { (alice, world.A), (bob, world.B) })
        {
            await user.JsonAsync("user", "add", "--name", user.Name, "--address", user.Address, "--data-dir", node.DataDirectory, "--save", node.ClientApi.ToString());
            var key = user.File($"{user.Name}.key");
            Assert.Equal(0, (await user.RunAsync("keys", "new", "--out", key)).ExitCode);
            var published = await user.RunAsync("keys", "publish", "--key", key);
            Assert.True(published.ExitCode == 0, published.Output);
        }

        var hash = RecipientHash.NewRandom().ToString();
        Assert.Equal(0, (await bob.RunAsync("hash", "add", hash)).ExitCode);
        Assert.Equal(0, (await bob.RunAsync("prefer", "a.example", "--pull", "immediately")).ExitCode);
        return (alice, bob, hash);
    }

    private static async Task<string> StoredAsync(BulkGatewayWorld world, Tern.Cli.Demo.DemoUser bob, string hash)
    {
        JsonElement list = default;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            list = await bob.JsonAsync("stored", "--hash", hash);
            return list.GetProperty("messages").GetArrayLength() >= 1;
        }, Patience), $"b.example stored nothing for bob\n{world.G1.Process!.Tail(60)}\n{world.G2.Process!.Tail(60)}");
        return list.GetProperty("messages")[0].GetProperty("id").GetString()!;
    }
}
