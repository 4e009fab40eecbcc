using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tern.Cli.Demo;

namespace Tern.E2e.Tests;

/// <summary>
/// Issue 17, deliverable 4, through three <c>tern run</c> processes (<see cref="GatewayWorld"/>): g.example's high-water
/// mark set in its configuration declines new responsibility with <c>full</c> while it keeps serving what it holds, and
/// takes offers again once a fetch or an expiry frees the space, without a restart; what it holds shows per destination
/// in its expiring-before-T route, and a blob that expires unfetched is recorded once, also across a SIGKILL.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class GatewayStorageTests
{
    // Two blobs do not fit under the mark; one does.
    private const int BlobBytes = 200_000;
    private const long HighWaterBytes = 300_000;
    private static readonly TimeSpan Patience = GatewayWorld.Patience;

    [Fact]
    public async Task Past_its_high_water_mark_the_gateway_declines_full_keeps_serving_and_takes_the_offer_once_a_fetch_frees_the_space()
    {
        await using var world = await GatewayWorld.StartAsync(Processes.Tern, (node, settings) => Gateway(node, settings));
        var (alice, bob, hash) = await world.CorrespondentsAsync(pull: "whenRequested");
        var gateway = world.G.Process!.Id;
        var (firstPath, firstId) = await SendAsync(alice, hash, "first.bin", seed: 1);
        await TransferredAsync(world, alice, firstId);

        // The second would take g.example past its mark: declined full, before a byte moves, and a.example keeps it.
        var (secondPath, secondId) = await SendAsync(alice, hash, "second.bin", seed: 2);
        // alice's status says why it waits; both nodes count the decline by its reason.
        JsonElement waiting = default;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            waiting = (await alice.JsonAsync("status", secondId)).GetProperty("deliveries")[0];
            return waiting.GetProperty("custody").ValueKind == JsonValueKind.Object && waiting.GetProperty("custody").GetProperty("reason").GetString() == "full";
        }, Patience), $"{waiting}\n{world.A.Process!.Tail()}");
        Assert.Equal("pending", waiting.GetProperty("state").GetString());
        Assert.Equal(0, waiting.GetProperty("notificationsSent").GetInt32());
        Assert.Equal("g.example", waiting.GetProperty("custody").GetProperty("gateway").GetString());
        Assert.Equal("declined", waiting.GetProperty("custody").GetProperty("answer").GetString());
        Assert.Equal("holding it would pass the high-water mark of 300000 bytes", waiting.GetProperty("custody").GetProperty("detail").GetString());
        Assert.True((await Exposition.ScrapeAsync(world.A))["tern_custody_declines_received_total{reason=\"full\"}"] >= 1);
        var declined = await Exposition.ScrapeAsync(world.G);
        Assert.True(declined["tern_custody_declines_total{reason=\"full\"}"] >= 1);
        Assert.Equal(1, declined["tern_custody_accepted_total"]);
        Assert.Equal(0, declined["tern_custody_fetch_failed_total"]);

        // Past the mark g.example still serves what it holds: bob asks for the first, his node pulls it from g.example.
        await PullAsync(bob, hash);
        var firstStored = await world.StoredAsync(bob, hash);
        await AssertFetchedAsync(bob, firstStored, firstPath);

        // That fetch freed the first blob's bytes: a.example's next offer is taken, by the same process.
        await TransferredAsync(world, alice, secondId);
        Assert.Equal(gateway, world.G.Process!.Id);
        Assert.False(world.G.Process!.HasExited);
        await PullAsync(bob, hash, firstStored);
        var stored = await world.StoredAsync(bob, hash, 2);
        await AssertFetchedAsync(bob, Assert.Single(stored, id => id != firstStored), secondPath);
        Assert.Equal(2, (await Exposition.ScrapeAsync(world.G))["tern_custody_accepted_total"]);
        await world.StopAsync();
    }

    [Fact]
    public async Task A_held_blob_that_expires_unfetched_frees_the_mark_and_is_recorded_once_also_after_a_SIGKILL()
    {
        await using var world = await GatewayWorld.StartAsync(Processes.Tern, (node, settings) =>
        {
            Gateway(node, settings);
            if (node.Domain == "g.example")
            {
                // Sweeps often, checkpoints never within the test: a kill after the expiry leaves it in the journal only.
                settings["Tern:Gateway:MinRemaining"] = "00:00:02";
                settings["Tern:Transit:SweepInterval"] = "00:00:00.200";
                settings["Tern:Transit:CheckpointInterval"] = "01:00:00";
            }

            if (node.Domain == "a.example")
            {
                // The client API takes no transit under its minimum (1 minute by default): the test's blob lives 30 s.
                settings["Tern:ClientApi:MinTransit"] = "00:00:10";
            }
        });
        var (alice, _, hash) = await world.CorrespondentsAsync(pull: "whenRequested");
        var expiry = DateTimeOffset.UtcNow.AddSeconds(30);
        var (_, firstId) = await SendAsync(alice, hash, "first.bin", seed: 3, expiry);
        await TransferredAsync(world, alice, firstId);

        // g.example's expiring-before-T: its one blob for b.example expires before T, not before an earlier instant.
        var held = await ExpiringAsync(world.G, expiry.AddSeconds(2));
        Assert.Equal((1L, (long)BlobBytes), (held.Deliveries, held.Bytes));
        Assert.Equal(("b.example", 1L, (long)BlobBytes), Assert.Single(held.Destinations));
        Assert.Empty((await ExpiringAsync(world.G, expiry.AddSeconds(-10))).Destinations);

        // Declined full until the first blob expires unfetched (bob never asks for it): then taken, without a restart.
        var (_, secondId) = await SendAsync(alice, hash, "second.bin", seed: 4);
        Assert.True(await Eventually.TrueAsync(async () => (await Exposition.ScrapeAsync(world.G))["tern_custody_declines_total{reason=\"full\"}"] >= 1, Patience),
            world.G.Process!.Tail());
        Assert.Equal("pending", (await GatewayWorld.StatusAsync(alice, secondId)).State);
        // Taken once the first expires (at `expiry`, up to half a minute away still) and a's next offer comes.
        await TransferredAsync(world, alice, secondId, expiry - DateTimeOffset.UtcNow + Patience);

        // One record of the expiry: one log line, one count.
        Assert.True(await Eventually.TrueAsync(async () => (await Exposition.ScrapeAsync(world.G))["tern_transit_blobs_expired_total"] == 1, Patience),
            world.G.Process!.Tail());
        Assert.Equal(1, Occurrences(world.G.Process!.Output, ExpiryRecord));
        var left = await ExpiringAsync(world.G, DateTimeOffset.UtcNow.AddDays(30));
        Assert.Equal(("b.example", 1L, (long)BlobBytes), Assert.Single(left.Destinations));

        // Killed before any checkpoint and restarted: the journal says the blob expired, and nothing records it again.
        world.G.Dispose();
        await world.RestartAsync(world.G);
        await Task.Delay(TimeSpan.FromSeconds(1)); // several sweeps
        Assert.Equal(0, (await Exposition.ScrapeAsync(world.G))["tern_transit_blobs_expired_total"]);
        Assert.Equal(0, Occurrences(world.G.Process!.Output, ExpiryRecord));
        Assert.Equal(("b.example", 1L, (long)BlobBytes), Assert.Single((await ExpiringAsync(world.G, DateTimeOffset.UtcNow.AddDays(30))).Destinations));
        await world.StopAsync();
    }

    // Event 7003 of the gateway, one per blob that expired with deliveries unfetched (docs/OPERATIONS.md).
    private const string ExpiryRecord = "held for a.example expired with";

    private static void Gateway(DemoNode node, Dictionary<string, JsonNode?> settings)
    {
        if (node.Domain == "g.example")
        {
            settings["Tern:Gateway:HighWaterBytes"] = HighWaterBytes;
        }
    }

    private static async Task<(string Path, string MessageId)> SendAsync(DemoUser alice, string hash, string name, int seed, DateTimeOffset? expiry = null)
    {
        var content = new byte[BlobBytes];
        new Random(seed).NextBytes(content);
        var path = alice.File(name);
        await File.WriteAllBytesAsync(path, content);
        string[] arguments = ["send", path, "--to", $"{hash}@b.example"];
        if (expiry is { } at)
        {
            arguments = [.. arguments, "--expires", at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)];
        }

        var sent = await alice.JsonAsync(arguments);
        return (path, sent.GetProperty("messageId").GetString()!);
    }

    private static async Task TransferredAsync(GatewayWorld world, DemoUser alice, string messageId, TimeSpan? patience = null) =>
        Assert.True(await Eventually.TrueAsync(async () => (await GatewayWorld.StatusAsync(alice, messageId)).State == "transferred", patience ?? Patience),
            $"{messageId} not transferred: {(await GatewayWorld.StatusAsync(alice, messageId)).State}\n{world.A.Process!.Tail()}\n{world.G.Process!.Tail()}");

    /// <summary>bob asks his node to pull the reference waiting under <paramref name="hash"/> that is not one of <paramref name="done"/> (<c>tern refs pull</c>).</summary>
    private static async Task PullAsync(DemoUser bob, string hash, params string[] done)
    {
        string? capability = null;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            var page = await bob.JsonAsync("poll", "--hash", hash, "--wait", "5");
            capability = page.GetProperty("references").EnumerateArray().Select(r => r.GetProperty("capability").GetString()!).FirstOrDefault(c => !done.Contains(c));
            return capability is not null;
        }, Patience), "no new reference for bob");
        var pulled = await bob.RunAsync("refs", "pull", capability!);
        Assert.True(pulled.ExitCode == 0, pulled.Output);
    }

    private static async Task AssertFetchedAsync(DemoUser bob, string id, string sentPath)
    {
        var received = bob.File(Path.GetFileName(sentPath));
        var fetched = await bob.RunAsync("fetch", id, "--out", received);
        Assert.True(fetched.ExitCode == 0, fetched.Output);
        Assert.Equal(await File.ReadAllBytesAsync(sentPath), await File.ReadAllBytesAsync(received));
    }

    /// <summary>g.example's <c>GET /admin/v1/expiring?before=T</c>: totals and (domain, deliveries, bytes) per destination.</summary>
    private static async Task<(long Deliveries, long Bytes, List<(string, long, long)> Destinations)> ExpiringAsync(DemoNode node, DateTimeOffset before)
    {
        using var http = Exposition.Client(node, Exposition.TokenOf(node));
        var at = before.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        using var response = await http.GetAsync(new Uri($"/admin/v1/expiring?before={at}", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var report = JsonDocument.Parse(text);
        var root = report.RootElement;
        var destinations = new List<(string, long, long)>();
        foreach (var item in root.GetProperty("destinations").EnumerateArray())
        {
            destinations.Add((item.GetProperty("domain").GetString()!, item.GetProperty("deliveries").GetInt64(), item.GetProperty("bytes").GetInt64()));
        }

        return (root.GetProperty("deliveries").GetInt64(), root.GetProperty("bytes").GetInt64(), destinations);
    }

    private static int Occurrences(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
