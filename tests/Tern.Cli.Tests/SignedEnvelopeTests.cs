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
/// sends; forged and re-signed envelopes are refused; the canary alarms when the domain changes a user's key. One
/// payload serves two recipients (bob and carol@b.example), each opening it with the content key of their own slot.
/// </summary>
public sealed class SignedEnvelopeTests : IAsyncLifetime, IDisposable
{
    private const string Alice = "alice@a.example";
    private const string Bob = "bob@b.example";
    private const string Carol = "carol@b.example";

    private readonly TempDirectory _directory = new("cli-envelope");
    private readonly HashSet<string> _seen = [];
    private readonly Dictionary<string, string?> _fresh = new() { ["Tern:ClientApi:DirectoryCacheTime"] = "00:00:00" };
    private ApiNode _a = null!;
    private ApiNode _b = null!;
    private CliRun _alice = null!;
    private CliRun _bob = null!;
    private CliRun _carol = null!;
    private HttpClient _aliceHttp = null!;
    private HttpClient _bobHttp = null!;

    private string AliceKey => _directory.File("alice", "alice.key");

    private string BobKey => _directory.File("bob", "bob.key");

    private string CarolKey => _directory.File("carol", "carol.key");

    public async Task InitializeAsync()
    {
        // No directory cache: a rotation must be visible at the next lookup, not in five minutes.
        _a = await ApiNode.StartAsync("a.example", _directory.File("a"), _fresh);
        _b = await ApiNode.StartAsync("b.example", _directory.File("b"), _fresh);
        _a.Introduce(_b);
        _b.Introduce(_a);
        Directory.CreateDirectory(_directory.File("alice"));
        Directory.CreateDirectory(_directory.File("bob"));
        Directory.CreateDirectory(_directory.File("carol"));
        (_aliceHttp, var aliceToken) = _a.AddUser("alice");
        (_bobHttp, var bobToken) = _b.AddUser("bob");
        var (carolHttp, carolToken) = _b.AddUser("carol");
        carolHttp.Dispose();
        _alice = new CliRun(_directory.File("alice"), new Dictionary<string, string?> { ["TERN_SERVER"] = _a.Http.BaseAddress!.ToString(), ["TERN_TOKEN"] = aliceToken.Token });
        _bob = new CliRun(_directory.File("bob"), new Dictionary<string, string?> { ["TERN_SERVER"] = _b.Http.BaseAddress!.ToString(), ["TERN_TOKEN"] = bobToken.Token });
        _carol = new CliRun(_directory.File("carol"), new Dictionary<string, string?> { ["TERN_SERVER"] = _b.Http.BaseAddress!.ToString(), ["TERN_TOKEN"] = carolToken.Token });
        foreach (var (run, key) in new[] { (_alice, AliceKey), (_bob, BobKey), (_carol, CarolKey) })
        {
            Assert.Equal(0, (await run.RunAsync("keys", "new", "--out", key)).ExitCode);
            var published = await run.RunAsync("keys", "publish", "--key", key, "--json");
            Assert.True(published.ExitCode == 0, published.Error);
        }

        Assert.Equal(0, (await _bob.RunAsync("prefer", "a.example", "--pull", "immediately")).ExitCode);
        Assert.Equal(0, (await _carol.RunAsync("prefer", "a.example", "--pull", "immediately")).ExitCode);
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
        // bob's client registers it from alice's published record (tern hash add --from); the test derives it on its own.
        var pairwise = BobsPairwiseHashFor(_a.Node.UserKeys.Current(Alice)!.Value);
        var added = await _bob.RunAsync("hash", "add", "--from", Alice, "--key", BobKey, "--json");
        Assert.True(added.ExitCode == 0, added.Error);
        Assert.Equal(pairwise.ToString(), added.Json().GetProperty("hash").GetString());
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
    public async Task One_blob_to_bob_and_carol_opens_for_each_with_the_content_key_of_their_slot_and_for_no_third_key()
    {
        var bobHash = PairwiseHashFor(BobKey, "b.example");
        var carolHash = PairwiseHashFor(CarolKey, "b.example");
        Assert.Equal(0, (await _bob.RunAsync("hash", "add", bobHash.ToString())).ExitCode);
        Assert.Equal(0, (await _carol.RunAsync("hash", "add", carolHash.ToString())).ExitCode);
        var letter = _directory.File("alice", "both.txt");
        var plaintext = new byte[(2 * PayloadEncryption.ChunkSize) + 321];
        Random.Shared.NextBytes(plaintext);
        await File.WriteAllBytesAsync(letter, plaintext);

        var sent = await _alice.RunAsync("send", letter, "--to", Bob, "--to", Carol, "--key", AliceKey, "--json");
        Assert.True(sent.ExitCode == 0, sent.Error);
        var deliveries = sent.Json().GetProperty("deliveries").EnumerateArray().Select(d => d.GetProperty("to").GetString()!).ToArray();
        Assert.Equal([$"{bobHash}@b.example", $"{carolHash}@b.example"], deliveries);

        // One message, one blob: two slots and one payload, the same bytes for each.
        var bobId = await ReferenceAsync(bobHash);
        var carolId = await ReferenceAsync(carolHash, _carol);
        var bobFetched = await FetchAsync(bobId, _directory.File("bob", "both.txt"));
        Assert.True(bobFetched.ExitCode == 0, bobFetched.Error);
        var carolFetched = await FetchAsync(carolId, _directory.File("carol", "both.txt"), _carol, CarolKey);
        Assert.True(carolFetched.ExitCode == 0, carolFetched.Error);
        Assert.Equal(plaintext, await File.ReadAllBytesAsync(_directory.File("bob", "both.txt")));
        Assert.Equal(plaintext, await File.ReadAllBytesAsync(_directory.File("carol", "both.txt")));
        var bobBlob = (await _bob.RunAsync("fetch", bobId)).StandardOutput;
        Assert.Equal(bobBlob, (await _carol.RunAsync("fetch", carolId)).StandardOutput);
        var slots = new List<Range>();
        Assert.True(MessageBlob.TryReadHead(bobBlob, slots, out var payloadOffset));
        Assert.Equal(2, slots.Count);
        Assert.Equal(PayloadEncryption.SealedLength(plaintext.Length), bobBlob.Length - payloadOffset);

        // A third key, even one its domain vouches for, opens no slot: nothing is written.
        var stranger = _directory.File("bob", "stranger.key");
        Assert.Equal(0, (await _bob.RunAsync("keys", "new", "--out", stranger)).ExitCode);
        var refused = await _bob.RunAsync("fetch", bobId, "--out", _directory.File("bob", "stranger.txt"), "--open-with", stranger);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("not sealed to you", refused.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_directory.File("bob", "stranger.txt")));
    }

    [Fact]
    public async Task A_slot_whose_signed_content_key_is_not_the_payloads_fails_at_decryption_and_shows_nothing()
    {
        var hash = RecipientHash.NewRandom();
        Assert.Equal(0, (await _bob.RunAsync("hash", "add", hash.ToString())).ExitCode);

        // alice signs, with her real key, an envelope whose content key is not the one the payload is encrypted under:
        // the signature, the record and the payload hash all check out, the decryption does not.
        await SubmitAsync(hash, "a payload bob's key cannot open", envelope => { }, wrongContentKey: true);
        var id = await ReferenceAsync(hash);
        var output = _directory.File("bob", "undecryptable.txt");
        var fetched = await FetchAsync(id, output);

        Assert.Equal(1, fetched.ExitCode);
        Assert.Contains("refused, not shown", fetched.Error, StringComparison.Ordinal);
        Assert.Contains("PayloadUndecryptable", fetched.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".part"));
    }

    [Fact]
    public async Task The_canary_alarms_when_the_domain_changes_the_users_key_without_the_user()
    {
        var lookup = $"tern+tcp://{_b.Node.FramedEndPoint}";
        var quiet = await _bob.RunAsync("keys", "check", "--key", BobKey, "--lookup", lookup);
        Assert.True(quiet.ExitCode == 0, quiet.Error);
        Assert.Contains("ok: bob@b.example", quiet.Output, StringComparison.Ordinal);

        // A plain rotation of the domain's own keys (docs/PROTOCOL.md §16.4) re-signs bob's record with the new domain key,
        // its fingerprint unchanged: what everyone is served is the new key's, and the canary stays quiet.
        var rotated = _b.Node.KeyRotation.Begin(TimeSpan.FromDays(2));
        var newDomainKey = new Bytes32(rotated.Current.SigningPublicKey);
        Assert.True(await Eventually.TrueAsync(() => _b.Node.UserKeys.DomainSigningKey == newDomainKey && _b.Node.UserKeys.SignedWithOtherKey() == 0));
        Assert.True(UserKeyBundle.TryParse(_b.Node.UserKeys.BundleOf(Bob)!, out var served, out _, out _));
        Assert.All(served!.Records, r => Assert.Equal(newDomainKey, r.DomainSigningKey));
        var afterDomainRotation = await _bob.RunAsync("keys", "check", "--key", BobKey, "--lookup", lookup);
        Assert.True(afterDomainRotation.ExitCode == 0, afterDomainRotation.Error);
        Assert.Contains("ok: bob@b.example", afterDomainRotation.Output, StringComparison.Ordinal);

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

    /// <summary>The pairwise hash (§5) alice → the owner of <paramref name="keyFile"/>, from the recipient's side.</summary>
    private RecipientHash PairwiseHashFor(string keyFile, string domain)
    {
        using var recipient = UserKeyFile.Load(keyFile, "--key");
        var alice = _a.Node.UserKeys.Current(Alice)!.Value;
        Assert.True(RecipientHashDerivation.TryPairwise(recipient.AgreementSecret, alice.AgreementKey.ToArray(), recipient.AgreementPublic.ToArray(), domain, out var hash));
        return hash;
    }

    /// <summary>
    /// Submits, as alice with her real key and record, a message to bob whose envelope <paramref name="tamper"/> may
    /// change after signing; with <paramref name="wrongContentKey"/> the envelope is signed with another content key than
    /// the payload's.
    /// </summary>
    private async Task<string> SubmitAsync(RecipientHash hash, string text, Action<byte[]> tamper, bool wrongContentKey = false)
    {
        var record = _a.Node.UserKeys.Current(Alice)!.Value;
        using var alice = UserKeyFile.Load(AliceKey, "--key");
        var bobAgreement = Convert.FromBase64String((await File.ReadAllTextAsync(BobKey + ".pub")).Trim());
        var contentKey = SignedMessage.NewContentKey();
        var (path, size, payloadHash) = await SignedMessage.SealPayloadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), contentKey, CancellationToken.None);
        var signedKey = wrongContentKey ? SignedMessage.NewContentKey() : contentKey;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var envelope = new SignedEnvelope(EnvelopeFlags.None, MessageId.NewRandom(), default, hash, record.Fingerprint, now, now + 86_400_000, size, payloadHash,
            PayloadCipher.ChunkedXChaCha20Poly1305, new Bytes32(signedKey), Alice, "");
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
    private async Task<string> ReferenceAsync(RecipientHash hash, CliRun? user = null)
    {
        var run = user ?? _bob;
        string? found = null;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            // bob's node pulls a.example's messages at once, so the reference may already have left the pending
            // list for the stored one (whose id is the same capability) by the time bob looks.
            var page = (await run.RunAsync("poll", "--hash", hash.ToString(), "--json")).Json();
            found = page.GetProperty("references").EnumerateArray().Select(r => r.GetProperty("capability").GetString()!).FirstOrDefault(c => !_seen.Contains(c));
            if (found is null)
            {
                var stored = (await run.RunAsync("stored", "--hash", hash.ToString(), "--json")).Json();
                found = stored.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).FirstOrDefault(c => !_seen.Contains(c));
            }

            return found is not null;
        }, TimeSpan.FromSeconds(20)));
        _seen.Add(found!);
        return found!;
    }

    private async Task<CliRun.Result> FetchAsync(string id, string output, CliRun? user = null, string? key = null)
    {
        CliRun.Result fetched = null!;
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            fetched = await (user ?? _bob).RunAsync("fetch", id, "--out", output, "--open-with", key ?? BobKey);
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
