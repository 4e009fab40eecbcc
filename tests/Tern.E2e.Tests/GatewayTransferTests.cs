using System.Net;
using System.Text;
using Tern.Engine.Keys;

namespace Tern.E2e.Tests;

/// <summary>
/// Issue 17, deliverable 1, through three <c>tern run</c> processes (<see cref="GatewayWorld"/>): a.example offers
/// b.example's deliveries to the gateway g.example instead of notifying them, g.example takes them, notifies b.example in
/// its place and serves the pull (docs/PROTOCOL.md §10).
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class GatewayTransferTests
{
    private static readonly TimeSpan Patience = GatewayWorld.Patience;

    [Fact]
    public async Task A_sealed_blob_passes_the_gateway_byte_identical_and_the_gateway_holds_only_ciphertext()
    {
        await using var world = await GatewayWorld.StartAsync(Processes.Tern);
        var (alice, bob, hash) = await world.CorrespondentsAsync();
        var letter = alice.File("letter.txt");
        var text = "bob, this crossed a blind gateway that never held a key: " + Guid.NewGuid();
        await File.WriteAllTextAsync(letter, text);

        var sent = await alice.JsonAsync("send", letter, "--to", $"{hash}@b.example", "--seal-to", bob.File("bob.key.pub"), "--key", alice.File("alice.key"));
        var messageId = sent.GetProperty("messageId").GetString()!;

        // a.example transferred the delivery on g.example's receipt, having notified b.example not once.
        Assert.True(await Eventually.TrueAsync(async () => (await GatewayWorld.StatusAsync(alice, messageId)).State == "transferred", Patience),
            $"not transferred: {(await GatewayWorld.StatusAsync(alice, messageId)).State}\n{world.A.Process!.Tail()}\n{world.G.Process!.Tail()}");
        Assert.Equal(0, (await GatewayWorld.StatusAsync(alice, messageId)).NotificationsSent);

        Assert.Contains("Transferred", world.A.Process!.Output, StringComparison.Ordinal); // event 7010: the receipt verified

        // b.example was notified by g.example and pulled from it; bob opens the blob: alice's letter, byte for byte.
        var id = await world.StoredAsync(bob, hash);
        var opened = await bob.RunAsync("fetch", id, "--open-with", bob.File("bob.key"), "--out", bob.File("letter.txt"));
        Assert.True(opened.ExitCode == 0, opened.Output);
        Assert.Equal(text, await File.ReadAllTextAsync(bob.File("letter.txt")));

        // The blob b.example holds is the one a.example held (its payload hash, checked chunk by chunk on each leg), and it
        // came from g.example's door: a.example served it once, to the gateway, and never notified b.example.
        var stored = Assert.Single((await bob.JsonAsync("stored", "--hash", hash)).GetProperty("messages").EnumerateArray());
        Assert.Equal((await alice.JsonAsync("status", messageId)).GetProperty("payloadHash").GetString(), stored.GetProperty("payloadHash").GetString());
        var size = stored.GetProperty("size").GetInt64();
        Assert.Equal(size, (await Exposition.ScrapeAsync(world.G)).Sum("tern_fetch_served_bytes_total"));
        var sender = await Exposition.ScrapeAsync(world.A);
        Assert.Equal(size, sender.Sum("tern_fetch_served_bytes_total"));
        Assert.Equal(0, sender["tern_delivery_records_sent_total"]);
        Assert.Equal(0, (await GatewayWorld.StatusAsync(alice, messageId)).NotificationsSent);

        // Nothing g.example keeps on disk holds the plaintext or the envelope's sealed fields (the addresses).
        foreach (var secret in new[] { text, alice.Address, bob.Address })
        {
            Assert.Empty(FilesContaining(world.G.DataDirectory, Encoding.UTF8.GetBytes(secret)));
        }

        // The test's scan can find what it looks for: the letter is in bob's files, the address in alice's client set-up.
        Assert.NotEmpty(FilesContaining(bob.Home, Encoding.UTF8.GetBytes(text)));
        await world.StopAsync();
    }

    // docs/PROTOCOL.md §10.3: the reasons after which the sender keeps the deliveries and notifies itself.
    private static readonly string[] DeclineReasonsForGood = ["expiry", "too_large", "policy", "bad_offer"];

    [Fact]
    public async Task The_gateway_killed_mid_transfer_keeps_what_it_signed_for_takes_the_reoffered_blob_and_every_blob_is_delivered_once()
    {
        const int BlobSize = 12 * 1024 * 1024;
        const int SmallSize = 40_000;
        const int Small = 3;
        await using var proxy = new ThrottledProxy(3 * 1024 * 1024);
        await using var world = await GatewayWorld.StartAsync(Processes.Tern);
        proxy.Target = IPEndPoint.Parse(world.A.Ports!.Framed!);
        world.SenderDoorForGateway = proxy.EndPoint.ToString();
        world.WritePeers();

        // bob's node pulls only when he asks: what g.example signed for is still only at g.example when it is killed.
        var (alice, bob, hash) = await world.CorrespondentsAsync(pull: "whenRequested");
        var sentContent = new List<byte[]>();
        var messageIds = new List<string>();
        for (var i = 0; i < Small; i++)
        {
            var small = new byte[SmallSize];
            new Random(40 + i).NextBytes(small);
            messageIds.Add(await SendAsync(alice, hash, $"small-{i}.bin", small));
            sentContent.Add(small);
        }

        foreach (var id in messageIds)
        {
            Assert.True(await Eventually.TrueAsync(async () => (await GatewayWorld.StatusAsync(alice, id)).State == "transferred", Patience),
                $"{id} not transferred\n{world.A.Process!.Tail()}\n{world.G.Process!.Tail()}");
        }

        var content = new byte[BlobSize];
        Random.Shared.NextBytes(content);
        var messageId = await SendAsync(alice, hash, "large.bin", content);
        messageIds.Add(messageId);
        sentContent.Add(content);
        var before = proxy.Forwarded;
        Assert.True(await Eventually.TrueAsync(() => proxy.Forwarded >= before + (BlobSize / 6), Patience), $"{proxy.Forwarded} bytes through the proxy\n{world.G.Process!.Tail()}");

        world.G.Dispose(); // SIGKILL mid-transfer: three blobs signed for, one not
        Assert.NotEqual("transferred", (await GatewayWorld.StatusAsync(alice, messageId)).State);
        var offersBefore = (await Exposition.ScrapeAsync(world.A))["tern_custody_offers_sent_total"];

        // Restarted where b.example knew it: the references it was notified of before the kill hint at those doors.
        var ports = world.G.Ports!;
        world.G.Configure(new Dictionary<string, System.Text.Json.Nodes.JsonNode?>
        {
            ["Tern:Node:NotifyEndpoint"] = ports.Notify,
            ["Tern:Node:FramedEndpoint"] = ports.Framed,
            ["Tern:Node:HttpEndpoint"] = ports.Http,
        });
        await world.RestartAsync(world.G);

        // a.example offers the unacknowledged blob again; the restarted gateway takes it.
        Assert.True(await Eventually.TrueAsync(async () => (await GatewayWorld.StatusAsync(alice, messageId)).State == "transferred", Patience),
            $"not transferred after the restart\n{world.A.Process!.Tail()}\n{world.G.Process!.Tail()}");
        Assert.True((await Exposition.ScrapeAsync(world.A))["tern_custody_offers_sent_total"] > offersBefore);

        // Every blob reaches bob from g.example, byte for byte, the three it signed for before the kill among them.
        var stored = await PullAllAsync(world, bob, hash, messageIds.Count);

        var received = new List<byte[]>();
        foreach (var id in stored)
        {
            var path = bob.File($"received-{received.Count}.bin");
            var fetched = await bob.RunAsync("fetch", id, "--out", path);
            Assert.True(fetched.ExitCode == 0, fetched.Output);
            received.Add(await File.ReadAllBytesAsync(path));
        }

        Assert.All(sentContent, sent => Assert.Single(received, r => r.AsSpan().SequenceEqual(sent)));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(world.G.DataDirectory, "custody", "incoming")));

        // delivered + expired + declined == injected: four stored at b.example, none expired at g.example, none declined
        // for good, and a.example notified none of them itself. An offer that meets the gateway while it restarts may get a
        // transient decline (sender_unknown: "not ready"; docs/PROTOCOL.md §10.3): the sender offers again, so those are
        // not declines of the delivery.
        var gateway = await Exposition.ScrapeAsync(world.G);
        var sender = await Exposition.ScrapeAsync(world.A);
        var declinedForGood = DeclineReasonsForGood.Sum(reason => sender[$"tern_custody_declines_received_total{{reason=\"{reason}\"}}"]);
        Assert.Equal(0, gateway["tern_transit_blobs_expired_total"]);
        Assert.True(declinedForGood == 0,
            $"a.example received declines:\n{sender.Describe("tern_custody_declines_received_total")}\n{world.A.Process!.Tail()}\n{world.G.Process!.Tail()}");
        Assert.Equal(messageIds.Count, stored.Count + (int)gateway["tern_transit_blobs_expired_total"] + (int)declinedForGood);
        foreach (var id in messageIds)
        {
            Assert.Equal(("transferred", 0), await GatewayWorld.StatusAsync(alice, id));
        }

        await world.StopAsync();
    }

    private static async Task<string> SendAsync(Tern.Cli.Demo.DemoUser alice, string hash, string name, byte[] content)
    {
        var path = alice.File(name);
        await File.WriteAllBytesAsync(path, content);
        return (await alice.JsonAsync("send", path, "--to", $"{hash}@b.example")).GetProperty("messageId").GetString()!;
    }

    /// <summary>bob asks his node to pull every reference under <paramref name="hash"/> until <paramref name="count"/> are stored.</summary>
    private static async Task<List<string>> PullAllAsync(GatewayWorld world, Tern.Cli.Demo.DemoUser bob, string hash, int count)
    {
        var pulled = new HashSet<string>(StringComparer.Ordinal);
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            var page = await bob.JsonAsync("poll", "--hash", hash, "--wait", "2");
            foreach (var capability in page.GetProperty("references").EnumerateArray().Select(r => r.GetProperty("capability").GetString()!))
            {
                if (pulled.Add(capability))
                {
                    var result = await bob.RunAsync("refs", "pull", capability);
                    Assert.True(result.ExitCode == 0, result.Output);
                }
            }

            return pulled.Count >= count;
        }, Patience), $"{pulled.Count} of {count} references for bob\n{world.B.Process!.Tail(60)}\n{world.G.Process!.Tail(60)}");
        return await world.StoredAsync(bob, hash, count);
    }

    [Fact]
    public async Task An_expiry_the_gateway_cannot_honour_is_declined_and_the_sender_delivers_itself()
    {
        await using var world = await GatewayWorld.StartAsync(Processes.Tern, (node, settings) =>
        {
            if (node.Domain == "g.example")
            {
                settings["Tern:Gateway:MaxExpiry"] = "01:00:00";
            }
        });
        var (alice, bob, hash) = await world.CorrespondentsAsync();
        var path = alice.File("note.bin");
        await File.WriteAllBytesAsync(path, Encoding.ASCII.GetBytes("expires in two days, longer than g.example keeps anything"));

        var sent = await alice.JsonAsync("send", path, "--to", $"{hash}@b.example", "--expires", "2d");
        var messageId = sent.GetProperty("messageId").GetString()!;

        // Declined before any byte moved; the delivery stayed with a.example, which notified b.example itself.
        Assert.True(await Eventually.TrueAsync(async () => (await GatewayWorld.StatusAsync(alice, messageId)).State == "fetched", Patience),
            $"{await alice.JsonAsync("status", messageId)}\nB:\n{world.B.Process!.Tail(60)}\nA:\n{world.A.Process!.Tail(40)}");
        Assert.Contains("Declined custody", world.G.Process!.Output, StringComparison.Ordinal);
        Assert.Contains("Expiry", world.G.Process!.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Took custody", world.G.Process!.Output, StringComparison.Ordinal);
        var gateway = await Exposition.ScrapeAsync(world.G);
        Assert.True(gateway["tern_custody_declines_total{reason=\"expiry\"}"] >= 1);
        Assert.Equal(0, gateway["tern_custody_accepted_total"] + gateway["tern_custody_fetch_failed_total"]);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(world.G.DataDirectory, "custody", "incoming")));
        await world.StoredAsync(bob, hash);

        // Every byte a.example served went to b.example's pull, once: the gateway fetched none.
        var size = new FileInfo(path).Length;
        Assert.Equal(size, (long)(await Exposition.ScrapeAsync(world.A)).Sum("tern_fetch_served_bytes_total"));
        Assert.Equal(1, (await Exposition.ScrapeAsync(world.A))["tern_custody_declines_received_total{reason=\"expiry\"}"]);
        await world.StopAsync();
    }

    [Fact]
    public async Task A_receipt_under_a_key_that_is_not_the_gateways_is_refused_and_the_delivery_stays_with_the_sender()
    {
        using var impostor = DomainKeySet.Generate("g.example");
        await using var world = await GatewayWorld.StartAsync(Processes.Tern);
        world.ImpostorGatewayKeys = impostor;
        world.WritePeers();
        var (alice, _, hash) = await world.CorrespondentsAsync();
        var path = alice.File("note.bin");
        await File.WriteAllBytesAsync(path, Encoding.ASCII.GetBytes("a.example believes g.example has another key"));

        var sent = await alice.JsonAsync("send", path, "--to", $"{hash}@b.example");
        var messageId = sent.GetProperty("messageId").GetString()!;

        Assert.True(await Eventually.TrueAsync(() => world.A.Process!.Output.Contains("Refused the receipt", StringComparison.Ordinal), Patience), world.A.Process!.Tail());
        Assert.Contains("WrongKey", world.A.Process!.Output, StringComparison.Ordinal);
        Assert.True(await Eventually.TrueAsync(async () => (await GatewayWorld.StatusAsync(alice, messageId)).State == "fetched", Patience),
            $"{(await GatewayWorld.StatusAsync(alice, messageId)).State}\n{world.A.Process!.Tail()}");
        await world.StopAsync();
    }

    private static List<string> FilesContaining(string directory, byte[] needle)
    {
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (IOException)
            {
                continue;
            }

            if (bytes.AsSpan().IndexOf(needle) >= 0)
            {
                found.Add(file);
            }
        }

        return found;
    }
}
