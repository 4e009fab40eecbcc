using System.Buffers.Text;
using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;
using Tern.Vectors;

namespace Tern.Engine.Tests.Vectors;

/// <summary>
/// The committed vectors of tests/vectors/ checked both ways (docs/PROTOCOL.md): ENCODE rebuilds every byte string from
/// the file's input fields with the engine's codecs, and with <see cref="SpecLayout"/>, and demands the committed hex;
/// DECODE parses the committed bytes with the engine's readers and demands every field. The files must also be exactly
/// what <see cref="VectorSet"/> builds, so a codec change that alters bytes fails here until the vectors are regenerated
/// (<c>make vectors</c>) on purpose.
/// </summary>
public sealed partial class ProtocolVectorTests
{
    private const int MaxFileSize = 100 * 1024;

    [Fact]
    public void Committed_vectors_are_exactly_what_the_generator_builds()
    {
        var set = VectorSet.Create();
        var committed = Directory.GetFiles(VectorDocument.Directory, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(set.Files.Select(f => f.Name).Order(StringComparer.Ordinal).ToArray(), committed);
        foreach (var file in set.Files)
        {
            var text = File.ReadAllText(Path.Combine(VectorDocument.Directory, file.Name));
            Assert.True(text == file.Text, $"{file.Name} differs from what VectorSet builds; if the change is deliberate, run 'make vectors'.");
            Assert.True(text.Length < MaxFileSize, $"{file.Name} is {text.Length} bytes");
            Assert.Contains("PROTOCOL.md §", VectorDocument.Load(file.Name)["description"].Text(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_generator_is_deterministic()
    {
        var first = VectorSet.Create().Files;
        var second = VectorSet.Create().Files;

        Assert.Equal(first, second);
    }

    [Fact]
    public void Keys_encode_from_the_secrets()
    {
        var vector = VectorDocument.Load("keys.json");
        foreach (var domain in vector["domains"].Array())
        {
            using var keys = DomainKeySet.FromSecrets(domain!["domain"].Text(), domain["signing_seed"].Hex(), domain["agreement_secret"].Hex(), DateTimeOffset.UnixEpoch);

            Assert.Equal(domain["signing_public"].Hex(), keys.SigningPublicKey.ToArray());
            Assert.Equal(domain["agreement_public"].Hex(), keys.AgreementPublicKey.ToArray());
            Assert.Equal(domain["fingerprint"].Text(), keys.Fingerprint);

            // §6.3 from the primitive: H(key = "tern/v1/fingerprint", msg = signing_key).
            var fingerprint = new byte[Blake2b.HashSize];
            Blake2b.Hash(domain["signing_public"].Hex(), fingerprint, "tern/v1/fingerprint"u8);
            Assert.Equal(domain["fingerprint"].Text(), Base64Url.EncodeToString(fingerprint));
        }

        foreach (var direction in vector["notification_keys"].Array())
        {
            using var sender = VectorDocument.DomainKeys(direction!["sender"].Text());
            using var receiver = VectorDocument.DomainKeys(direction["receiver"].Text());
            var key = new byte[NotificationKey.Size];
            Assert.True(NotificationKey.TryDeriveSending(sender, receiver.AgreementPublicKey, key));
            Assert.Equal(direction["key"].Hex(), key);

            // §4.3 from the primitives: k(S→R) = H(key = X25519(S_secret, R_public), msg = "tern/v1/notify" || S_public || R_public).
            var shared = new byte[X25519.SharedSecretSize];
            Assert.True(X25519.TryAgree(sender.AgreementKey, receiver.AgreementPublicKey, shared));
            Assert.Equal(direction["shared_secret"].Hex(), shared);
            var spec = new byte[NotificationKey.Size];
            Blake2b.Hash([.. "tern/v1/notify"u8, .. sender.AgreementPublicKey, .. receiver.AgreementPublicKey], spec, shared);
            Assert.Equal(direction["key"].Hex(), spec);
        }
    }

    [Fact]
    public void Keys_decode_on_the_receiving_side()
    {
        var vector = VectorDocument.Load("keys.json");
        foreach (var direction in vector["notification_keys"].Array())
        {
            using var sender = VectorDocument.DomainKeys(direction!["sender"].Text());
            using var receiver = VectorDocument.DomainKeys(direction["receiver"].Text());
            var key = new byte[NotificationKey.Size];
            var shared = new byte[X25519.SharedSecretSize];

            Assert.True(NotificationKey.TryDeriveReceiving(receiver, sender.AgreementPublicKey, key));
            Assert.Equal(direction["key"].Hex(), key);
            Assert.True(X25519.TryAgree(receiver.AgreementKey, sender.AgreementPublicKey, shared));
            Assert.Equal(direction["shared_secret"].Hex(), shared);
        }

        foreach (var domain in vector["domains"].Array())
        {
            var computed = new byte[KeyFingerprint.Size];
            KeyFingerprint.Compute(domain!["signing_public"].Hex(), computed);
            Assert.True(Bytes32.TryParse(domain["fingerprint"].Text(), out var parsed));
            Assert.Equal(new Bytes32(computed), parsed);
        }
    }

    [Fact]
    public void Recipient_hashes_encode_from_the_user_keys_and_shared_random()
    {
        var vector = VectorDocument.Load("recipient-hash.json");
        var firstContact = vector["first_contact"]!;
        var negotiated = vector["negotiated"]!;
        Assert.Equal(firstContact["sender_user_public"].Hex(), UserPublicKey(firstContact["sender_user_seed"].Hex()));
        Assert.Equal(firstContact["recipient_user_public"].Hex(), UserPublicKey(firstContact["recipient_user_seed"].Hex()));

        var first = RecipientHashDerivation.FirstContact(firstContact["sender_user_public"].Hex(), firstContact["recipient_user_public"].Hex(), firstContact["recipient_domain"].Text());
        var second = RecipientHashDerivation.Negotiated(negotiated["shared_random"].Hex(), negotiated["recipient_domain"].Text());

        Assert.Equal(firstContact["recipient_hash"].Hex(), first.Value.ToArray());
        Assert.Equal(negotiated["recipient_hash"].Hex(), second.Value.ToArray());
        Assert.Equal(firstContact["message"].Hex(), SpecLayout.FirstContactMessage(firstContact));
        Assert.Equal(negotiated["message"].Hex(), SpecLayout.NegotiatedMessage(negotiated));
        Assert.Equal(firstContact["recipient_hash"].Hex(), RecipientAddressHash(firstContact["message"].Hex()));
        Assert.Equal(negotiated["recipient_hash"].Hex(), RecipientAddressHash(negotiated["message"].Hex()));
    }

    [Fact]
    public void Recipient_hash_messages_decode_to_their_inputs()
    {
        var vector = VectorDocument.Load("recipient-hash.json");
        var firstContact = vector["first_contact"]!;
        var message = firstContact["message"].Hex();
        Assert.Equal(0x01, message[0]);
        Assert.Equal(firstContact["sender_user_public"].Hex(), message[1..33]);
        Assert.Equal(firstContact["recipient_user_public"].Hex(), message[33..65]);
        Assert.Equal(SpecLayout.Short(firstContact["recipient_domain"].Text()), message[65..]);

        var negotiated = vector["negotiated"]!;
        message = negotiated["message"].Hex();
        var shared = negotiated["shared_random"].Hex();
        Assert.Equal(0x02, message[0]);
        Assert.InRange(message[1], 16, 64);
        Assert.Equal(shared, message[2..(2 + message[1])]);
        Assert.Equal(SpecLayout.Short(negotiated["recipient_domain"].Text()), message[(2 + message[1])..]);

        // The notification records are filed under these hashes.
        var records = VectorDocument.Load("notification-datagram.json")["records"].Array();
        Assert.Equal(firstContact["recipient_hash"].Hex(), records[0]!["recipient_hash"].Hex());
        Assert.Equal(negotiated["recipient_hash"].Hex(), records[1]!["recipient_hash"].Hex());
    }

    private static byte[] UserPublicKey(byte[] seed)
    {
        var publicKey = new byte[Ed25519.PublicKeySize];
        Ed25519.PublicKeyFromSeed(seed, publicKey);
        return publicKey;
    }

    private static byte[] RecipientAddressHash(byte[] message)
    {
        var hash = new byte[Blake2b.HashSize];
        Blake2b.Hash(message, hash, "tern/v1/recipient-address"u8);
        return hash;
    }
}
