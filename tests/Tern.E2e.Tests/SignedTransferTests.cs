using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tern.Cli.Demo;
using Xunit.Abstractions;

namespace Tern.E2e.Tests;

/// <summary>
/// Issue 15, "Done when", through two real node processes found by DNS: alice's client derives bob's phase-1 hash from
/// his published record, a.example notifies under it, b.example files it there, and bob's client, which registered the
/// same hash from alice's record (<c>tern hash add --from</c>), finds it; and a reference message names a large
/// transfer before its upload ends, which bob delegates to his node (<c>POST /v1/references/{capability}/actions</c>
/// pull) once its notification arrives, then reads from his stored messages, verified and byte for byte.
/// </summary>
[Trait(TestCategory.Trait, TestCategory.Process)]
public sealed class SignedTransferTests(ITestOutputHelper output)
{
    /// <summary>
    /// The transfer's size: 50 MB as the issue names it when <c>TERN_E2E_TRANSFER_BYTES</c> says so, 8 MB by default so
    /// that <c>make test</c> stays quick (the path is the same; only the byte count differs).
    /// </summary>
    private static readonly int TransferBytes = int.TryParse(Environment.GetEnvironmentVariable("TERN_E2E_TRANSFER_BYTES"), out var bytes) && bytes > 0 ? bytes : 8_000_000;

    [SkippableFact]
    public async Task Alices_client_derives_bobs_phase_one_hash_from_his_record_and_bobs_client_finds_the_message_under_it()
    {
        Processes.RequireDnsmasq();
        await using var cluster = await DemoCluster.StartAsync(Processes.Tern, new DemoClusterOptions(), new DemoNarrator(new OutputWriter(output)));
        var (alice, bob, _) = await UsersAsync(cluster);

        // bob's side: the hash alice's client will write to him under, from alice's record as a.example publishes it.
        var hash = (await bob.JsonAsync("hash", "add", "--from", alice.Address, "--key", bob.File("bob.key"))).GetProperty("hash").GetString()!;

        // alice's side: the same hash from bob's record; a.example notifies b.example under it.
        var letter = alice.File("letter.txt");
        await File.WriteAllTextAsync(letter, "bob, this goes under the hash only our two keys make");
        var sent = await alice.JsonAsync("send", letter, "--to", bob.Address, "--key", alice.File("alice.key"));
        Assert.Equal($"{hash}@b.example", sent.GetProperty("deliveries")[0].GetProperty("to").GetString());

        // b.example filed it under that hash (bob pulls when he asks, so it waits there), and bob's client finds it.
        var page = await bob.JsonAsync("poll", "--hash", hash, "--wait", "20");
        var reference = Assert.Single(page.GetProperty("references").EnumerateArray());
        Assert.Equal("a.example", reference.GetProperty("senderDomain").GetString());
        Assert.Equal(sent.GetProperty("size").GetInt64(), reference.GetProperty("size").GetInt64());
        await cluster.StopAsync();
    }

    [SkippableFact]
    public async Task A_reference_message_names_a_large_transfer_that_bob_delegates_to_his_node_and_then_reads_verified()
    {
        Processes.RequireDnsmasq();
        await using var cluster = await DemoCluster.StartAsync(Processes.Tern, new DemoClusterOptions(), new DemoNarrator(new OutputWriter(output)));
        var (alice, bob, bobToken) = await UsersAsync(cluster);
        var hash = (await bob.JsonAsync("hash", "add", "--from", alice.Address, "--key", bob.File("bob.key"))).GetProperty("hash").GetString()!;
        using var bobApi = new HttpClient { BaseAddress = cluster.B.ClientApi };
        bobApi.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bobToken);

        // bob pulls a.example's messages at once, but defers anything over 1 MiB until he says.
        Assert.Equal(0, (await bob.RunAsync("prefer", "a.example", "--pull", "immediately")).ExitCode);
        using (var policy = await bobApi.PutAsync("/v1/policy", new StringContent(
            """{"version": 1, "defaultPull": "whenRequested", "retentionDays": 0, "trashDays": 30, "largeTransferBytes": 1048576, "largeTransfer": "defer", "reputationThreshold": null}""",
            Encoding.UTF8, "application/json")))
        {
            Assert.True(policy.IsSuccessStatusCode, await policy.Content.ReadAsStringAsync());
        }

        var file = alice.File("large.bin");
        var content = new byte[TransferBytes];
        Random.Shared.NextBytes(content);
        await File.WriteAllBytesAsync(file, content);

        // alice reserves the transfer, sends the reference naming it before its upload starts (two-phase submission),
        // then uploads and sends the transfer itself.
        var clock = Stopwatch.StartNew();
        var sent = await alice.JsonAsync("send", file, "--to", bob.Address, "--key", alice.File("alice.key"), "--announce");
        var sendTime = clock.Elapsed;
        var transferId = sent.GetProperty("messageId").GetString()!;
        var referenceId = sent.GetProperty("reference").GetProperty("messageId").GetString()!;
        Assert.NotEqual(transferId, referenceId);

        // bob's node pulled the small reference at once; bob opens it, verified, and reads what it names.
        var note = await StoredAsync(bob, hash, m => m.GetProperty("size").GetInt64() < 64 * 1024);
        var opened = await bob.RunAsync("fetch", note.Id, "--open-with", bob.File("bob.key"));
        Assert.True(opened.ExitCode == 0, opened.Output);
        Assert.Contains($"from {alice.Address} (verified), message {referenceId}", opened.Output, StringComparison.Ordinal);
        using var named = JsonDocument.Parse(opened.StandardOutput);
        Assert.Equal("reference", named.RootElement.GetProperty("type").GetString());
        Assert.Equal(transferId, named.RootElement.GetProperty("messageId").GetString());
        Assert.Equal(TransferBytes, named.RootElement.GetProperty("size").GetInt64());
        var blobHash = named.RootElement.GetProperty("blobHash").GetString()!;

        // The transfer's notification is deferred by bob's large-transfer rule; his client matches it to the reference by
        // the blob's size and hash, which the notification carries, and delegates the pull to his node.
        JsonElement transfer = default;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            var page = await bob.JsonAsync("poll", "--hash", hash);
            transfer = page.GetProperty("references").EnumerateArray().FirstOrDefault(r => r.GetProperty("payloadHash").GetString() == blobHash);
            return transfer.ValueKind == JsonValueKind.Object;
        }, TimeSpan.FromSeconds(30)), "the transfer's notification never reached bob's pending references");
        Assert.Equal(named.RootElement.GetProperty("blobSize").GetInt64(), transfer.GetProperty("size").GetInt64());
        var capability = transfer.GetProperty("capability").GetString()!;
        Assert.DoesNotContain((await bob.JsonAsync("stored", "--hash", hash)).GetProperty("messages").EnumerateArray(), m => m.GetProperty("id").GetString() == capability);
        using (var delegated = await bobApi.PostAsync($"/v1/references/{capability}/actions", new StringContent("""{"action": "pull"}""", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(System.Net.HttpStatusCode.Accepted, delegated.StatusCode);
        }

        // bob's node pulls it; bob reads it from his stored messages, its envelope verified and its payload hash checked
        // (docs/PROTOCOL.md §15.4), and the bytes are alice's.
        var stored = await StoredAsync(bob, hash, m => m.GetProperty("id").GetString() == capability, TimeSpan.FromSeconds(120));
        Assert.Equal(blobHash, stored.Hash);
        var received = bob.File("large.bin");
        var fetched = await bob.RunAsync("fetch", capability, "--out", received, "--open-with", bob.File("bob.key"));
        Assert.True(fetched.ExitCode == 0, fetched.Output);
        Assert.Contains($"message {transferId}", fetched.Output, StringComparison.Ordinal);
        Assert.Equal(SHA256.HashData(content), SHA256.HashData(await File.ReadAllBytesAsync(received)));
        output.WriteLine($"{TransferBytes} bytes: alice's send (reference, then the transfer) {sendTime.TotalSeconds:F1} s; from her send to bob's verified copy {clock.Elapsed.TotalSeconds:F1} s");
        await cluster.StopAsync();
    }

    /// <summary>alice@a.example and bob@b.example made with <c>tern user add</c>, each with a published key; bob's token.</summary>
    private static async Task<(DemoUser Alice, DemoUser Bob, string BobToken)> UsersAsync(DemoCluster cluster)
    {
        var alice = cluster.User("alice", cluster.A);
        var bob = cluster.User("bob", cluster.B);
        var token = "";
        foreach (var (user, node) in new[] { (alice, cluster.A), (bob, cluster.B) })
        {
            var added = await user.JsonAsync("user", "add", "--name", user.Name, "--address", user.Address, "--data-dir", node.DataDirectory, "--save", node.ClientApi.ToString());
            token = added.GetProperty("token").GetString()!;
            var key = user.File($"{user.Name}.key");
            Assert.Equal(0, (await user.RunAsync("keys", "new", "--out", key)).ExitCode);
            var published = await user.RunAsync("keys", "publish", "--key", key);
            Assert.True(published.ExitCode == 0, published.Output);
        }

        return (alice, bob, token);
    }

    /// <summary>The id and blob hash of bob's stored message under <paramref name="hash"/> that <paramref name="match"/> picks, once there.</summary>
    private static async Task<(string Id, string Hash)> StoredAsync(DemoUser bob, string hash, Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        JsonElement found = default;
        var within = timeout ?? TimeSpan.FromSeconds(30);
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            found = (await bob.JsonAsync("stored", "--hash", hash)).GetProperty("messages").EnumerateArray().FirstOrDefault(match);
            return found.ValueKind == JsonValueKind.Object;
        }, within), $"bob's node stored no such message within {within}");
        return (found.GetProperty("id").GetString()!, found.GetProperty("payloadHash").GetString()!);
    }
}
