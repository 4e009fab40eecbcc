using System.Text;
using Tern.ClientApi.Tests;
using Tern.Engine.Protocol;

namespace Tern.Cli.Tests;

/// <summary>
/// The client commands against two real nodes on loopback (a.example and b.example, composed as <c>tern run</c>
/// composes them): alice sends with <c>tern send</c> on a.example, bob polls and fetches with the CLI on b.example,
/// alice follows and retracts. Every command runs with <c>--json</c> and its output is parsed.
/// </summary>
public sealed class ClientCommandTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new("cli-client");
    private ApiNode _a = null!;
    private ApiNode _b = null!;
    private CliRun _alice = null!;
    private CliRun _bob = null!;
    private HttpClient _bobHttp = null!;

    public async Task InitializeAsync()
    {
        _a = await ApiNode.StartAsync("a.example", _directory.File("a"));
        _b = await ApiNode.StartAsync("b.example", _directory.File("b"));
        _a.Introduce(_b);
        Directory.CreateDirectory(_directory.File("alice"));
        Directory.CreateDirectory(_directory.File("bob"));

        // alice's server and token through the environment, bob's through the file 'tern login' writes.
        var (_, aliceToken) = _a.AddUser("alice");
        _alice = new CliRun(_directory.File("alice"), new Dictionary<string, string?>
        {
            ["TERN_SERVER"] = _a.Http.BaseAddress!.ToString(),
            ["TERN_TOKEN"] = aliceToken.Token,
        });
        (_bobHttp, var bobToken) = _b.AddUser("bob");
        _bob = new CliRun(_directory.File("bob"));
        var login = (await _bob.RunAsync("login", "--server", _b.Http.BaseAddress!.ToString(), "--token", bobToken.Token, "--json")).Json();
        Assert.Equal("bob@b.example", login.GetProperty("address").GetString());
        var saved = _directory.File("bob", ".config", "tern", "client.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(saved));
    }

    public async Task DisposeAsync()
    {
        _bobHttp.Dispose();
        await _b.DisposeAsync();
        await _a.DisposeAsync();
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_sealed_send_is_polled_fetched_and_unsealed_by_the_recipient_and_the_nodes_carry_only_ciphertext()
    {
        var hash = await BobWatchesAsync(pullAtOnce: true);
        var keys = (await _bob.RunAsync("keys", "new", "--out", _directory.File("bob", "bob.key"), "--json")).Json();
        Assert.Equal(File.ReadAllText(_directory.File("bob", "bob.key.pub")).Trim(), keys.GetProperty("publicKey").GetString());
        Assert.Equal(0, (await _alice.RunAsync("keys", "new", "--out", _directory.File("alice", "alice.key"))).ExitCode);
        var published = await _alice.RunAsync("keys", "publish", "--key", _directory.File("alice", "alice.key"));
        Assert.Equal(0, published.ExitCode);
        var plaintext = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("a letter for bob, sealed on alice's machine. ", 4000)));
        var letter = _directory.File("alice", "letter.txt");
        await File.WriteAllBytesAsync(letter, plaintext);

        var sent = (await _alice.RunAsync("send", letter, "--to", $"{hash}@b.example", "--seal-to", _directory.File("bob", "bob.key.pub"),
            "--key", _directory.File("alice", "alice.key"), "--mime", "application/octet-stream", "--expires", "2d", "--json")).Json();
        var messageId = sent.GetProperty("messageId").GetString()!;

        // The blob: the message head with one slot (the signed envelope sealed to bob), then the payload encrypted under
        // the envelope's content key.
        var envelope = Engine.Protocol.Envelopes.SignedEnvelope.FixedSize + 1 + "alice@a.example".Length + 1 + "application/octet-stream".Length + 64;
        var head = 3 + 2 + Engine.Protocol.Envelopes.EnvelopeSeal.Overhead + envelope;
        Assert.Equal(head + Engine.Protocol.Envelopes.PayloadEncryption.SealedLength(plaintext.Length), sent.GetProperty("size").GetInt64());

        var page = (await _bob.RunAsync("poll", "--hash", hash, "--wait", "20", "--json")).Json();
        var reference = Assert.Single(page.GetProperty("references").EnumerateArray());
        Assert.Equal("a.example", reference.GetProperty("senderDomain").GetString());
        var id = reference.GetProperty("capability").GetString()!;
        var empty = (await _bob.RunAsync("poll", "--hash", hash, "--after", page.GetProperty("next").GetString()!, "--json")).Json();
        Assert.Empty(empty.GetProperty("references").EnumerateArray());

        // b.example pulls at once; until it has, the stored message is not found (exit 4).
        var opened = _directory.File("bob", "letter.txt");
        CliRun.Result fetched = null!;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            fetched = await _bob.RunAsync("fetch", id, "--out", opened, "--open-with", _directory.File("bob", "bob.key"), "--json");
            Assert.True(fetched.ExitCode is 0 or 4, fetched.Error);
            return fetched.ExitCode == 0;
        }));
        Assert.Equal(plaintext, await File.ReadAllBytesAsync(opened));
        Assert.Equal(plaintext.Length, fetched.Json().GetProperty("bytesWritten").GetInt64());

        // Pulled at once, the message is in bob's stored list under the id fetch took, for his hash alone.
        var listed = Assert.Single((await _bob.RunAsync("stored", "--hash", hash, "--json")).Json().GetProperty("messages").EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.Equal("a.example", listed.GetProperty("senderDomain").GetString());
        Assert.Contains(id, (await _bob.RunAsync("stored")).Output, StringComparison.Ordinal);

        // What the node stored is the ciphertext: without the key, the fetch gives sealed bytes; a range and a resume
        // give the same bytes in parts.
        var stored = (await _bob.RunAsync("fetch", id)).StandardOutput;
        Assert.Equal(sent.GetProperty("size").GetInt64(), stored.Length);
        Assert.Equal(new byte[] { 1, 0, 1 }, stored[..3]);
        Assert.DoesNotContain("a letter for bob", Encoding.UTF8.GetString(stored), StringComparison.Ordinal);
        var part = _directory.File("bob", "part.bin");
        Assert.Equal(0, (await _bob.RunAsync("fetch", id, "--range", "0-999", "--out", part)).ExitCode);
        Assert.Equal(stored[..1000], await File.ReadAllBytesAsync(part));
        Assert.Equal(0, (await _bob.RunAsync("fetch", id, "--out", part, "--resume")).ExitCode);
        Assert.Equal(stored, await File.ReadAllBytesAsync(part));
        var wrongKey = _directory.File("bob", "other.key");
        Assert.Equal(0, (await _bob.RunAsync("keys", "new", "--out", wrongKey)).ExitCode);
        var refused = await _bob.RunAsync("fetch", id, "--out", _directory.File("bob", "wrong.txt"), "--open-with", wrongKey);
        Assert.True(refused.ExitCode == 1, refused.Error);
        Assert.False(File.Exists(_directory.File("bob", "wrong.txt")));

        // alice sees the delivery fetched; a retraction now finds it already fetched.
        Assert.True(await Eventually.TrueAsync(async () =>
            (await _alice.RunAsync("status", messageId, "--json")).Json().GetProperty("deliveries")[0].GetProperty("state").GetString() == "fetched"));
        var retracted = (await _alice.RunAsync("retract", messageId, "--json")).Json();
        Assert.Empty(retracted.GetProperty("retracted").EnumerateArray());
        Assert.Single(retracted.GetProperty("alreadyFetched").EnumerateArray());
    }

    [Fact]
    public async Task A_send_from_standard_input_is_retracted_before_it_is_fetched_and_status_says_so()
    {
        var hash = await BobWatchesAsync(pullAtOnce: false);
        _alice.StandardInput = Encoding.UTF8.GetBytes("retract me");

        var sent = (await _alice.RunAsync("send", "--to", $"{hash}@b.example", "--idempotency-key", "k-1", "--json")).Json();
        var messageId = sent.GetProperty("messageId").GetString()!;
        Assert.Equal(10, sent.GetProperty("size").GetInt64());
        var again = (await _alice.RunAsync("send", "--to", $"{hash}@b.example", "--idempotency-key", "k-1", "--json")).Json();
        Assert.Equal(messageId, again.GetProperty("messageId").GetString());
        var listed = (await _alice.RunAsync("status", "--json")).Json();
        Assert.Single(listed.GetProperty("messages").EnumerateArray());

        var retracted = (await _alice.RunAsync("retract", messageId, "--json")).Json();
        Assert.Single(retracted.GetProperty("retracted").EnumerateArray());
        var status = (await _alice.RunAsync("status", messageId, "--json")).Json();
        Assert.Equal("retracted", status.GetProperty("deliveries")[0].GetProperty("state").GetString());

        // Text output too, and the node's refusals as exit codes: an unknown message is 4, a bad token 4.
        var text = await _alice.RunAsync("status", messageId);
        Assert.Contains("retracted", text.Output, StringComparison.Ordinal);
        var unknown = await _alice.RunAsync("status", RecipientHash.NewRandom().ToString());
        Assert.Equal(4, unknown.ExitCode);
        Assert.Contains("404", unknown.Error, StringComparison.Ordinal);
        var badToken = await _alice.RunAsync("status", "--token", "tern_" + new string('A', 43));
        Assert.Equal(4, badToken.ExitCode);
        Assert.Contains("401", badToken.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refs_lists_every_hash_and_pulls_defers_and_ignores_and_hash_add_takes_a_kind_and_expiry()
    {
        var (first, second) = (RecipientHash.NewRandom().ToString(), RecipientHash.NewRandom().ToString());
        var added = (await _bob.RunAsync("hash", "add", first, "--kind", "negotiated", "--expires", "7d", "--json")).Json();
        Assert.Equal("negotiated", added.GetProperty("kind").GetString());
        Assert.Equal(0, (await _bob.RunAsync("hash", "add", second)).ExitCode);
        var hashes = (await _bob.RunAsync("hash", "list")).Output;
        Assert.Contains($"{first}\tnegotiated\tuntil ", hashes, StringComparison.Ordinal);
        Assert.Contains($"{second}\tpairwise", hashes, StringComparison.Ordinal);

        foreach (var hash in new[] { first, second })
        {
            _alice.StandardInput = Encoding.UTF8.GetBytes("for " + hash);
            Assert.Equal(0, (await _alice.RunAsync("send", "--to", $"{hash}@b.example")).ExitCode);
        }

        System.Text.Json.JsonElement page = default;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            page = (await _bob.RunAsync("refs", "list", "--wait", "5", "--json")).Json();
            return page.GetProperty("references").GetArrayLength() == 2;
        }, TimeSpan.FromSeconds(30)));
        var references = page.GetProperty("references").EnumerateArray().ToList();
        Assert.Equal(new[] { first, second }.Order(), references.Select(r => r.GetProperty("hash").GetString()).Order());
        var (one, other) = (references[0].GetProperty("capability").GetString()!, references[1].GetProperty("capability").GetString()!);
        var text = (await _bob.RunAsync("refs", "list", "--hash", first)).Output;
        Assert.Contains(first, text, StringComparison.Ordinal);
        Assert.DoesNotContain(second, text, StringComparison.Ordinal);
        Assert.Contains("next ", text, StringComparison.Ordinal);
        var after = (await _bob.RunAsync("refs", "list", "--after", page.GetProperty("next").GetString()!, "--json")).Json();
        Assert.Empty(after.GetProperty("references").EnumerateArray());

        Assert.Equal("pending", (await _bob.RunAsync("refs", "defer", one, "--json")).Json().GetProperty("state").GetString());
        Assert.Contains("dropped", (await _bob.RunAsync("refs", "ignore", other)).Output, StringComparison.Ordinal);
        Assert.Equal("queued", (await _bob.RunAsync("refs", "delegate", one, "--json")).Json().GetProperty("state").GetString());
        Assert.True(await Eventually.TrueAsync(async () =>
            (await _bob.RunAsync("stored", "--hash", first, "--json")).Json().GetProperty("messages").EnumerateArray().Any(m => m.GetProperty("id").GetString() == one),
            TimeSpan.FromSeconds(20)));
        Assert.Empty((await _bob.RunAsync("refs", "list", "--json")).Json().GetProperty("references").EnumerateArray());

        // Gone, or never there: the node's 404 is exit 4.
        var gone = await _bob.RunAsync("refs", "pull", other);
        Assert.Equal(4, gone.ExitCode);
        Assert.Contains("404", gone.Error, StringComparison.Ordinal);
    }

    /// <summary>Registers a fresh recipient hash for bob with <c>tern hash add</c> (and <c>tern prefer</c> to have a.example pulled at once).</summary>
    private async Task<string> BobWatchesAsync(bool pullAtOnce)
    {
        var hash = RecipientHash.NewRandom().ToString();
        Assert.Equal(0, (await _bob.RunAsync("hash", "add", hash)).ExitCode);
        Assert.Contains(hash, (await _bob.RunAsync("hash", "list", "--json")).Json().GetProperty("hashes").EnumerateArray().Select(h => h.GetString()));
        if (pullAtOnce)
        {
            Assert.Equal(0, (await _bob.RunAsync("prefer", "a.example", "--pull", "immediately")).ExitCode);
            using var preferences = await _bobHttp.GetAsync("/v1/preferences");
            Assert.Contains("immediately", await preferences.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        return hash;
    }
}
