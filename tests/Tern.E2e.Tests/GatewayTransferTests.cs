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

    [Fact]
    public async Task The_gateway_killed_mid_transfer_and_restarted_takes_the_blob_and_the_pull_completes()
    {
        const int BlobSize = 12 * 1024 * 1024;
        await using var proxy = new ThrottledProxy(3 * 1024 * 1024);
        await using var world = await GatewayWorld.StartAsync(Processes.Tern);
        proxy.Target = IPEndPoint.Parse(world.A.Ports!.Framed!);
        world.SenderDoorForGateway = proxy.EndPoint.ToString();
        world.WritePeers();
        var (alice, bob, hash) = await world.CorrespondentsAsync();
        var path = alice.File("large.bin");
        var content = new byte[BlobSize];
        Random.Shared.NextBytes(content);
        await File.WriteAllBytesAsync(path, content);

        var sent = await alice.JsonAsync("send", path, "--to", $"{hash}@b.example");
        var messageId = sent.GetProperty("messageId").GetString()!;
        Assert.True(await Eventually.TrueAsync(() => proxy.Forwarded >= BlobSize / 6, Patience), $"{proxy.Forwarded} bytes through the proxy\n{world.G.Process!.Tail()}");

        world.G.Dispose(); // SIGKILL mid-transfer
        Assert.NotEqual("transferred", (await GatewayWorld.StatusAsync(alice, messageId)).State);
        await world.RestartAsync(world.G);

        Assert.True(await Eventually.TrueAsync(async () => (await GatewayWorld.StatusAsync(alice, messageId)).State == "transferred", Patience),
            $"not transferred after the restart\n{world.A.Process!.Tail()}\n{world.G.Process!.Tail()}");
        var id = await world.StoredAsync(bob, hash);
        var received = bob.File("large.bin");
        var fetched = await bob.RunAsync("fetch", id, "--out", received);
        Assert.True(fetched.ExitCode == 0, fetched.Output);
        Assert.Equal(content, await File.ReadAllBytesAsync(received));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(world.G.DataDirectory, "custody", "incoming")));
        await world.StopAsync();
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
