using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Tern.Engine.Protocol;

namespace Tern.Cli.Demo;

/// <summary>
/// What the demo shows on a running <see cref="DemoCluster"/>, every step through the <c>tern</c> command as a user or an
/// operator types it: users and tokens, alice sending bob a text and a large file sealed to bob's key, b.example pulling,
/// bob reading both (bytes compared), a.example's notifications stopping once fetched, a retraction, and what each node
/// reports of its work. Each step checks what it shows and throws a <see cref="DemoException"/> when it does not hold.
/// </summary>
internal sealed class DemoStory(DemoCluster cluster, DemoNarrator narrator, long fileBytes)
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(60);
    private DemoUser _alice = null!;
    private DemoUser _bob = null!;
    private DemoUser _carol = null!;
    private string _bobHash = "";
    private string _carolHash = "";
    private string _bobToken = "";

    /// <summary>The sender, once the story made the users.</summary>
    public DemoUser Alice => _alice;

    /// <summary>The recipient who pulls at once.</summary>
    public DemoUser Bob => _bob;

    /// <summary>The sent messages' ids, the letter's first.</summary>
    public List<string> MessageIds { get; } = [];

    public async Task RunAsync()
    {
        await UsersAsync().ConfigureAwait(false);
        var (letter, file) = await SendAsync().ConfigureAwait(false);
        await ReadAsync(letter, file).ConfigureAwait(false);
        await NotificationsStopAsync().ConfigureAwait(false);
        await RetractAsync().ConfigureAwait(false);
        await EconomicsAsync().ConfigureAwait(false);
    }

    private async Task UsersAsync()
    {
        narrator.Section("Users, made by the operators with the CLI");
        _alice = cluster.User("alice", cluster.A);
        _bob = cluster.User("bob", cluster.B);
        _carol = cluster.User("carol", cluster.B);
        foreach (var (user, node) in new[] { (_alice, cluster.A), (_bob, cluster.B), (_carol, cluster.B) })
        {
            var added = await user.JsonAsync("user", "add", "--name", user.Name, "--address", user.Address, "--data-dir", node.DataDirectory,
                "--save", node.ClientApi.ToString()).ConfigureAwait(false);
            if (user == _bob)
            {
                _bobToken = added.GetProperty("token").GetString()!;
            }
        }

        narrator.Step("tern user add: alice@a.example, bob@b.example, carol@b.example (each token shown once, saved to the user's ~/.config/tern/client.json)");
        var keys = await _bob.JsonAsync("keys", "new", "--out", _bob.File("bob.key")).ConfigureAwait(false);
        narrator.Step($"bob: tern keys new: an X25519 key pair for sealed messages, public key {keys.GetProperty("publicKey").GetString()![..12]}…");
        await Succeed(_bob, "keys", "publish", "--key", _bob.File("bob.key")).ConfigureAwait(false);

        // alice signs what she sends: her record, published and signed by a.example, is what bob's client checks it against.
        var aliceKeys = await _alice.JsonAsync("keys", "new", "--out", _alice.File("alice.key")).ConfigureAwait(false);
        await Succeed(_alice, "keys", "publish", "--key", _alice.File("alice.key")).ConfigureAwait(false);
        narrator.Step($"alice: tern keys new + keys publish: a.example signs her key record ({aliceKeys.GetProperty("publicKey").GetString()![..12]}…); bob's published at b.example too");

        // Recipient hashes are derived by the users' clients (docs/PROTOCOL.md §5); here, fresh random ones.
        _bobHash = RecipientHash.NewRandom().ToString();
        _carolHash = RecipientHash.NewRandom().ToString();
        await Succeed(_bob, "hash", "add", _bobHash).ConfigureAwait(false);
        await Succeed(_bob, "prefer", "a.example", "--pull", "immediately").ConfigureAwait(false);
        await Succeed(_carol, "hash", "add", _carolHash).ConfigureAwait(false);
        narrator.Step($"bob watches hash {_bobHash[..10]}… and has b.example pull a.example's messages at once; carol watches {_carolHash[..10]}… and fetches when she asks");
    }

    private async Task<(string Letter, string File)> SendAsync()
    {
        narrator.Section($"alice sends bob a text and a {DemoNarrator.Bytes(fileBytes)} file, sealed to bob's key on her machine");
        var letter = _alice.File("letter.txt");
        await File.WriteAllTextAsync(letter, "Dear Bob,\nthe nodes between us carry only ciphertext, and a.example pays for holding it until you fetch it.\nAlice\n").ConfigureAwait(false);
        var file = _alice.File("photos.bin");
        WriteRandomFile(file, fileBytes);

        foreach (var (path, mime) in new[] { (letter, "text/plain"), (file, "application/octet-stream") })
        {
            var clock = Stopwatch.StartNew();
            var sent = await _alice.JsonAsync("send", path, "--to", $"{_bobHash}@b.example", "--seal-to", _bob.File("bob.key.pub"), "--key", _alice.File("alice.key"), "--mime", mime).ConfigureAwait(false);
            var id = sent.GetProperty("messageId").GetString()!;
            MessageIds.Add(id);
            narrator.Step($"alice: tern send {Path.GetFileName(path)} --seal-to bob.key.pub --key alice.key: message {id[..10]}…, {DemoNarrator.Bytes(sent.GetProperty("size").GetInt64())} sealed, durable at a.example in {DemoNarrator.Duration(clock.Elapsed)}");
        }

        return (letter, file);
    }

    private async Task ReadAsync(string letter, string file)
    {
        narrator.Section("b.example is notified over UDP and pulls at once; bob reads with the CLI");
        var clock = Stopwatch.StartNew();
        List<JsonElement> stored;
        while (true)
        {
            // Pulled at once, a message leaves no reference to poll: it is in bob's stored messages when the pull is done.
            var list = await _bob.JsonAsync("stored", "--hash", _bobHash).ConfigureAwait(false);
            stored = [.. list.GetProperty("messages").EnumerateArray()];
            if (stored.Count == 2)
            {
                break;
            }

            Expect(clock.Elapsed < StepTimeout, $"b.example stored {stored.Count} of bob's 2 messages within {StepTimeout.TotalSeconds:F0} s");
            await Task.Delay(200).ConfigureAwait(false);
        }

        narrator.Step($"bob: tern stored: 2 messages pulled from {stored[0].GetProperty("senderDomain").GetString()}, every chunk verified, {DemoNarrator.Duration(clock.Elapsed)} after the send (a.example found b.example through {Found()})");

        // The smaller message is the letter.
        stored.Sort((x, y) => x.GetProperty("size").GetInt64().CompareTo(y.GetProperty("size").GetInt64()));
        foreach (var (message, original) in new[] { (stored[0], letter), (stored[1], file) })
        {
            var output = _bob.File(Path.GetFileName(original));
            var fetchClock = Stopwatch.StartNew();
            await _bob.JsonAsync("fetch", message.GetProperty("id").GetString()!, "--out", output, "--open-with", _bob.File("bob.key")).ConfigureAwait(false);
            Expect(SameBytes(original, output), $"bob's {Path.GetFileName(output)} differs from what alice sent");
            narrator.Step($"bob: tern fetch --open-with bob.key: {Path.GetFileName(output)}, {DemoNarrator.Bytes(new FileInfo(output).Length)}, signature and key record verified; opened and identical to alice's (SHA-256 {Sha256(output)[..16]}…) in {DemoNarrator.Duration(fetchClock.Elapsed)}");
        }

        var text = (await File.ReadAllTextAsync(_bob.File("letter.txt")).ConfigureAwait(false)).Split('\n')[0];
        narrator.Step($"bob reads: \"{text}\"");
    }

    private async Task NotificationsStopAsync()
    {
        narrator.Section("a.example stops notifying once every byte was fetched");
        var clock = Stopwatch.StartNew();
        long sent;
        while (true)
        {
            var (fetched, notifications) = await DeliveriesAsync().ConfigureAwait(false);
            if (fetched == MessageIds.Count)
            {
                sent = notifications;
                break;
            }

            Expect(clock.Elapsed < StepTimeout, $"alice's deliveries: {fetched} of {MessageIds.Count} fetched after {StepTimeout.TotalSeconds:F0} s");
            await Task.Delay(200).ConfigureAwait(false);
        }

        narrator.Step($"alice: tern status: both deliveries fetched, after {sent} notifications (retransmitted on backoff until the fetch)");
        var quiet = cluster.MaxRetransmitInterval * 2;
        await Task.Delay(quiet).ConfigureAwait(false);
        var (_, after) = await DeliveriesAsync().ConfigureAwait(false);
        Expect(after == sent, $"a.example sent {after - sent} notifications for fetched deliveries in {quiet.TotalSeconds:F0} s");
        narrator.Step($"alice: tern status {DemoNarrator.Duration(quiet)} later: still {after} notifications, none since the fetch");
    }

    private async Task RetractAsync()
    {
        narrator.Section("A retraction: alice takes back a message carol has not fetched");
        var note = _alice.File("note.txt");
        await File.WriteAllTextAsync(note, "Carol, ignore my last message.\n").ConfigureAwait(false);
        var sent = await _alice.JsonAsync("send", note, "--to", $"{_carolHash}@b.example", "--mime", "text/plain").ConfigureAwait(false);
        var id = sent.GetProperty("messageId").GetString()!;
        var page = await _carol.JsonAsync("poll", "--hash", _carolHash, "--wait", "20").ConfigureAwait(false);
        Expect(page.GetProperty("references").GetArrayLength() == 1, "carol's poll did not see alice's note");
        narrator.Step($"alice: tern send note.txt to carol: message {id[..10]}…; carol: tern poll: 1 reference waiting at b.example");

        var retracted = await _alice.JsonAsync("retract", id).ConfigureAwait(false);
        Expect(retracted.GetProperty("retracted").GetArrayLength() == 1, $"alice's retraction retracted {retracted.GetProperty("retracted").GetArrayLength()} deliveries");
        var status = await _alice.JsonAsync("status", id).ConfigureAwait(false);
        Expect(status.GetProperty("deliveries")[0].GetProperty("state").GetString() == "retracted", "the note's delivery is not retracted");
        narrator.Step("alice: tern retract: the delivery is retracted; a.example sends b.example a retraction notice");

        var clock = Stopwatch.StartNew();
        while ((await _carol.JsonAsync("poll", "--hash", _carolHash).ConfigureAwait(false)).GetProperty("references").GetArrayLength() > 0)
        {
            Expect(clock.Elapsed < StepTimeout, "carol's reference is still there after the retraction");
            await Task.Delay(100).ConfigureAwait(false);
        }

        narrator.Step($"carol: tern poll: nothing waiting, the reference was removed on the notice ({DemoNarrator.Duration(clock.Elapsed)})");
    }

    private async Task EconomicsAsync()
    {
        narrator.Section("What each node did, as its client API reports it");
        var list = await _alice.JsonAsync("status").ConfigureAwait(false);
        var messages = list.GetProperty("messages");
        long submitted = 0, owed = 0, notifications = 0;
        var states = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var message in messages.EnumerateArray())
        {
            var size = message.GetProperty("size").GetInt64();
            submitted += size;
            foreach (var delivery in message.GetProperty("deliveries").EnumerateArray())
            {
                var state = delivery.GetProperty("state").GetString()!;
                states[state] = states.GetValueOrDefault(state) + 1;
                notifications += delivery.GetProperty("notificationsSent").GetInt64();
                owed += state == "pending" ? size : 0;
            }
        }

        narrator.Step($"a.example (sender pays): alice's {messages.GetArrayLength()} messages, {DemoNarrator.Bytes(submitted)} taken into transit; deliveries {string.Join(", ", states.Select(s => $"{s.Value} {s.Key}"))}; {notifications} notifications sent; {DemoNarrator.Bytes(owed)} still owed to recipients");

        using var http = new HttpClient { BaseAddress = cluster.B.ClientApi };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _bobToken);
        using var stored = JsonDocument.Parse(await http.GetStringAsync(new Uri("v1/stored", UriKind.Relative)).ConfigureAwait(false));
        var storedMessages = stored.RootElement.GetProperty("messages");
        var storedBytes = storedMessages.EnumerateArray().Sum(m => m.GetProperty("size").GetInt64());
        Expect(storedMessages.GetArrayLength() == 2, $"b.example stores {storedMessages.GetArrayLength()} messages for bob, not 2");
        narrator.Step($"b.example (recipient pulls): {storedMessages.GetArrayLength()} messages pulled, verified and stored for bob, {DemoNarrator.Bytes(storedBytes)}; carol has nothing waiting");
    }

    private async Task<(int Fetched, long Notifications)> DeliveriesAsync()
    {
        var fetched = 0;
        long notifications = 0;
        foreach (var id in MessageIds)
        {
            var status = await _alice.JsonAsync("status", id).ConfigureAwait(false);
            foreach (var delivery in status.GetProperty("deliveries").EnumerateArray())
            {
                fetched += delivery.GetProperty("state").GetString() == "fetched" ? 1 : 0;
                notifications += delivery.GetProperty("notificationsSent").GetInt64();
            }
        }

        return (fetched, notifications);
    }

    private string Found() => cluster.Authority is not null
        ? "DNS and the descriptor b.example's node serves at https://b.example/.well-known/tern"
        : "its static peers file";

    private static async Task Succeed(DemoUser user, params string[] arguments)
    {
        var result = await user.RunAsync(arguments).ConfigureAwait(false);
        Expect(result.ExitCode == 0, $"{result.Command} exited {result.ExitCode}: {result.Output.Trim()}");
    }

    private static void Expect(bool condition, string failure) => DemoNarrator.Expect(condition, failure);

    private static void WriteRandomFile(string path, long bytes)
    {
        using var output = File.Create(path);
        var buffer = new byte[1 << 20];
        for (long written = 0; written < bytes; written += buffer.Length)
        {
            var count = (int)Math.Min(buffer.Length, bytes - written);
            RandomNumberGenerator.Fill(buffer.AsSpan(0, count));
            output.Write(buffer, 0, count);
        }
    }

    private static bool SameBytes(string a, string b)
    {
        if (new FileInfo(a).Length != new FileInfo(b).Length)
        {
            return false;
        }

        return Sha256(a) == Sha256(b);
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
