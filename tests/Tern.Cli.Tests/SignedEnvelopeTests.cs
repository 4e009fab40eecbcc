using System.Text;
using Tern.Cli.Envelopes;
using Tern.ClientApi.Tests;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Envelopes;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.Cli.Tests;

/// <summary>
/// The CLI on the signed envelope against two real nodes (docs/C2S.md §12, §16; docs/PROTOCOL.md §5, §14, §15):
/// alice at a.example and bob at b.example publish their keys; alice writes to bob by address under the pairwise hash
/// from his published record; bob verifies before showing; a rotation at bob's domain is shown to alice before she
/// sends; forged and re-signed envelopes are refused; the canary alarms when the domain changes a user's key.
/// </summary>
public sealed class SignedEnvelopeTests : IAsyncLifetime, IDisposable
{
    private const string Alice = "alice@a.example";
    private const string Bob = "bob@b.example";

    private readonly TempDirectory _directory = new("cli-envelope");
    private readonly HashSet<string> _seen = [];
    private readonly Dictionary<string, string?> _fresh = new() { ["Tern:ClientApi:DirectoryCacheTime"] = "00:00:00" };
    private ApiNode _a = null!;
    private ApiNode _b = null!;
    private CliRun _alice = null!;
    private CliRun _bob = null!;
    private HttpClient _aliceHttp = null!;
    private HttpClient _bobHttp = null!;

    private string AliceKey => _directory.File("alice", "alice.key");

    private string BobKey => _directory.File("bob", "bob.key");

    public async Task InitializeAsync()
    {
        // No directory cache: a rotation must be visible at the next lookup, not in five minutes.
        _a = await ApiNode.StartAsync("a.example", _directory.File("a"), _fresh);
        _b = await ApiNode.StartAsync("b.example", _directory.File("b"), _fresh);
        _a.Introduce(_b);
        _b.Introduce(_a);
        Directory.CreateDirectory(_directory.File("alice"));
        Directory.CreateDirectory(_directory.File("bob"));
        (_aliceHttp, var aliceToken) = _a.AddUser("alice");
        (_bobHttp, var bobToken) = _b.AddUser("bob");
        _alice = new CliRun(_directory.File("alice"), new Dictionary<string, string?> { ["TERN_SERVER"] = _a.Http.BaseAddress!.ToString(), ["TERN_TOKEN"] = aliceToken.Token });
        _bob = new CliRun(_directory.File("bob"), new Dictionary<string, string?> { ["TERN_SERVER"] = _b.Http.BaseAddress!.ToString(), ["TERN_TOKEN"] = bobToken.Token });
        foreach (var (run, key) in new[] { (_alice, AliceKey), (_bob, BobKey) })
        {
            Assert.Equal(0, (await run.RunAsync("keys", "new", "--out", key)).ExitCode);
            var published = await run.RunAsync("keys", "publish", "--key", key, "--json");
            Assert.True(published.ExitCode == 0, published.Error);
        }

        Assert.Equal(0, (await _bob.RunAsync("prefer", "a.example", "--pull", "immediately")).ExitCode);
    }

    public async Task DisposeAsync()
    {
        _aliceHttp.Dispose();
        _bobHttp.Dispose();
        await _b.DisposeAsync();
        await _a.DisposeAsync();
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Alice_writes_to_bob_by_address_under_the_pairwise_hash_of_his_record_and_bob_verifies_before_showing()
    {
        // bob's side of phase 1 (§5): his secret and alice's published agreement key give the hash alice will use.
        var pairwise = BobsPairwiseHashFor(_a.Node.UserKeys.Current(Alice)!.Value);
        Assert.Equal(0, (await _bob.RunAsync("hash", "add", pairwise.ToString())).ExitCode);
        var letter = _directory.File("alice", "letter.txt");
        var plaintext = Encoding.UTF8.GetBytes("bob, this is signed by me and sealed to you. -- alice");
        await File.WriteAllBytesAsync(letter, plaintext);

        var sent = await _alice.RunAsync("send", letter, "--to", Bob, "--key", AliceKey, "--json");
        Assert.True(sent.ExitCode == 0, sent.Error);
        Assert.Equal($"{pairwise}@b.example", sent.Json().GetProperty("deliveries")[0].GetProperty("to").GetString());

        // b.example filed the notification under that hash: bob finds it there, and opens it verified.
        var id = await ReferenceAsync(pairwise);
        var opened = _directory.File("bob", "letter.txt");
        var fetched = await FetchAsync(id, opened);
        Assert.True(fetched.ExitCode == 0, fetched.Error);
        Assert.Equal(plaintext, await File.ReadAllBytesAsync(opened));
        Assert.Contains($"from {Alice} (verified)", fetched.Error, StringComparison.Ordinal);
        Assert.Contains(sent.Json().GetProperty("messageId").GetString()!, fetched.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_rotation_at_bobs_domain_reaches_alice_who_is_warned_before_sending()
    {
        var letter = _directory.File("alice", "note.txt");
        await File.WriteAllTextAsync(letter, "first");
        Assert.Equal(0, (await _alice.RunAsync("send", letter, "--to", Bob, "--key", AliceKey)).ExitCode);
        var before = (await _bob.RunAsync("keys", "check", "--key", BobKey, "--lookup", $"tern+tcp://{_b.Node.FramedEndPoint}", "--json")).Json();

        var newKey = _directory.File("bob", "bob-2.key");
        Assert.Equal(0, (await _bob.RunAsync("keys", "new", "--out", newKey)).ExitCode);
        var rotated = await _bob.RunAsync("keys", "rotate", "--key", newKey, "--json");
        Assert.True(rotated.ExitCode == 0, rotated.Error);
        Assert.Equal("superseded", rotated.Json().GetProperty("reason").GetString());

        var refused = await _alice.RunAsync("send", letter, "--to", Bob, "--key", AliceKey);
        Assert.True(refused.ExitCode == 1, refused.Error);
        Assert.Contains($"warning: {Bob}'s key changed: {before.GetProperty("held").GetString()} -> ", refused.Error, StringComparison.Ordinal);
        Assert.Contains("rotated at", refused.Error, StringComparison.Ordinal);
        Assert.Single((await _alice.RunAsync("status", "--json")).Json().GetProperty("messages").EnumerateArray());

        var accepted = await _alice.RunAsync("send", letter, "--to", Bob, "--key", AliceKey, "--accept-key-change");
        Assert.True(accepted.ExitCode == 0, accepted.Error);
        Assert.Equal(2, (await _alice.RunAsync("status", "--json")).Json().GetProperty("messages").GetArrayLength());

        // Acknowledged once: the next send goes without a warning.
        var next = await _alice.RunAsync("send", letter, "--to", Bob, "--key", AliceKey);
        Assert.Equal(0, next.ExitCode);
        Assert.DoesNotContain("warning", next.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_or_re_signed_envelope_is_refused_and_not_shown_and_the_genuine_one_opens()
    {
        var hash = RecipientHash.NewRandom();
        Assert.Equal(0, (await _bob.RunAsync("hash", "add", hash.ToString())).ExitCode);
        using var mallory = Ed25519.Generate();
        var variants = new (string Text, bool Genuine, Action<byte[]> Tamper)[]
        {
            ("genuine", true, envelope => { }),
            ("altered", false, envelope => envelope[SignedEnvelopeOffsets.SentAt + 7] ^= 1),

            // Mallory's signature over alice's envelope (her fingerprint and address kept): it does not verify with her key.
            ("re-signed", false, envelope =>
            {
                var signed = new byte[SignedEnvelope.SignatureContext.Length + envelope.Length - 64];
                SignedEnvelope.SignatureContext.CopyTo(signed);
                envelope.AsSpan(0, envelope.Length - 64).CopyTo(signed.AsSpan(SignedEnvelope.SignatureContext.Length));
                Ed25519.Sign(mallory, signed, envelope.AsSpan(envelope.Length - 64));
            }),
        };

        // One at a time, so each reference is the message just sent.
        foreach (var (payload, expectOk, tamper) in variants)
        {
            await SubmitAsync(hash, payload, tamper);
            var id = await ReferenceAsync(hash);
            var output = _directory.File("bob", $"{payload}.txt");
            var fetched = await FetchAsync(id, output);
            if (expectOk)
            {
                Assert.True(fetched.ExitCode == 0, fetched.Error);
                Assert.Equal(payload, await File.ReadAllTextAsync(output));
                continue;
            }

            Assert.Equal(1, fetched.ExitCode);
            Assert.Contains("refused, not shown", fetched.Error, StringComparison.Ordinal);
            Assert.Contains("BadSignature", fetched.Error, StringComparison.Ordinal);
            Assert.False(File.Exists(output));
        }
    }

    [Fact]
    public async Task The_canary_alarms_when_the_domain_changes_the_users_key_without_the_user()
    {
        var lookup = $"tern+tcp://{_b.Node.FramedEndPoint}";
        var quiet = await _bob.RunAsync("keys", "check", "--key", BobKey, "--lookup", lookup);
        Assert.True(quiet.ExitCode == 0, quiet.Error);
        Assert.Contains("ok: bob@b.example", quiet.Output, StringComparison.Ordinal);

        // The domain rotates bob's record itself, to keys bob never had.
        _b.Node.UserKeys.Rotate(Bob, Bytes32.Random(), Bytes32.Random(), escrow: false, TimeSpan.FromDays(1));
        var alarm = await _bob.RunAsync("keys", "check", "--key", BobKey, "--lookup", lookup, "--json");
        Assert.Equal(ExitCodes.KeyAlarm, alarm.ExitCode);
        Assert.Contains("ALARM", alarm.Error, StringComparison.Ordinal);
        using var report = System.Text.Json.JsonDocument.Parse(alarm.Output);
        Assert.True(report.RootElement.GetProperty("alarm").GetBoolean());

        // Revoked without a replacement: no current record, still an alarm.
        _b.Node.UserKeys.Revoke(Bob, RevocationReason.Compromised);
        Assert.Equal(ExitCodes.KeyAlarm, (await _bob.RunAsync("keys", "check", "--key", BobKey, "--lookup", lookup)).ExitCode);
    }

    private RecipientHash BobsPairwiseHashFor(UserKeyRecord alice)
    {
        using var bob = UserKeyFile.Load(BobKey, "--key");
        Assert.True(RecipientHashDerivation.TryPairwise(bob.AgreementSecret, alice.AgreementKey.ToArray(), bob.AgreementPublic.ToArray(), "b.example", out var hash));
        return hash;
    }

    /// <summary>Submits, as alice with her real key and record, a message to bob whose envelope <paramref name="tamper"/> may change after signing.</summary>
    private async Task<string> SubmitAsync(RecipientHash hash, string text, Action<byte[]> tamper)
    {
        var record = _a.Node.UserKeys.Current(Alice)!.Value;
        using var alice = UserKeyFile.Load(AliceKey, "--key");
        var bobAgreement = Convert.FromBase64String((await File.ReadAllTextAsync(BobKey + ".pub")).Trim());
        var (path, size, payloadHash) = await SignedMessage.SealPayloadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), bobAgreement, CancellationToken.None);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var envelope = new SignedEnvelope(EnvelopeFlags.None, MessageId.NewRandom(), default, hash, record.Fingerprint, now, now + 86_400_000, size, payloadHash, Alice, "");
        var bytes = new byte[envelope.EncodedLength];
        using (var key = alice.SigningKey())
        {
            envelope.Sign(key, record, bytes);
        }

        tamper(bytes);
        var slot = new byte[bytes.Length + EnvelopeSeal.Overhead];
        EnvelopeSeal.Seal(bytes, bobAgreement, slot);
        byte[] blob = [.. MessageBlob.EncodeHead([slot]), .. await File.ReadAllBytesAsync(path)];
        File.Delete(path);
        using var submitted = await _aliceHttp.PostAsync($"/v1/messages?to={hash}@b.example", new ByteArrayContent(blob));
        Assert.Equal(System.Net.HttpStatusCode.Created, submitted.StatusCode);
        return text;
    }

    /// <summary>The capability of the next reference under <paramref name="hash"/> not returned before.</summary>
    private async Task<string> ReferenceAsync(RecipientHash hash)
    {
        string? found = null;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            // bob's node pulls a.example's messages at once, so the reference may already have left the pending
            // list for the stored one (whose id is the same capability) by the time bob looks.
            var page = (await _bob.RunAsync("poll", "--hash", hash.ToString(), "--json")).Json();
            found = page.GetProperty("references").EnumerateArray().Select(r => r.GetProperty("capability").GetString()!).FirstOrDefault(c => !_seen.Contains(c));
            if (found is null)
            {
                var stored = (await _bob.RunAsync("stored", "--hash", hash.ToString(), "--json")).Json();
                found = stored.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).FirstOrDefault(c => !_seen.Contains(c));
            }

            return found is not null;
        }, TimeSpan.FromSeconds(20)));
        _seen.Add(found!);
        return found!;
    }

    private async Task<CliRun.Result> FetchAsync(string id, string output)
    {
        CliRun.Result fetched = null!;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            fetched = await _bob.RunAsync("fetch", id, "--out", output, "--open-with", BobKey);
            return fetched.ExitCode != 4;
        }, TimeSpan.FromSeconds(20)));
        return fetched;
    }

    /// <summary>Offsets in the envelope layout (docs/PROTOCOL.md §15.1), written from the spec.</summary>
    private static class SignedEnvelopeOffsets
    {
        public const int SentAt = 130;
    }
}
