using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Tern.Engine.Crypto;
using Tern.Engine.Keys;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.Engine.Tests.Vectors;

/// <summary>user-keys.json and the phase-1 hashes of recipient-hash.json (docs/PROTOCOL.md §5, §14).</summary>
public sealed partial class ProtocolVectorTests
{
    [Fact]
    public void User_key_record_and_rotation_encode_from_their_fields_and_the_spec_layout()
    {
        var vector = VectorDocument.Load("user-keys.json");
        using var domain = DomainA();
        Assert.Equal(vector["domain_signing_public"].Hex(), domain.SigningPublicKey.ToArray());

        foreach (var fields in new[] { vector["record"]!, vector["rotation"]!["new_record"]! })
        {
            Assert.Equal(fields["signing_key"].Hex(), Ed25519Public(fields["user_signing_seed"].Hex()));
            var agreement = new byte[32];
            X25519.PublicKeyFromSecret(fields["user_agreement_secret"].Hex(), agreement);
            Assert.Equal(fields["agreement_key"].Hex(), agreement);

            var record = RecordFrom(fields);
            var bytes = new byte[record.EncodedLength];
            record.Sign(domain, bytes);
            Assert.Equal(fields["bytes"].Hex(), bytes);
            Assert.Equal(fields["fingerprint"].Hex(), record.Fingerprint.ToArray());

            // §14.2 by hand: the fields in order, then Ed25519 by the domain over the context and those bytes.
            byte[] body =
            [
                1, 1, 1, (byte)fields["flags"].Int32(), .. fields["signing_key"].Hex(), .. fields["agreement_key"].Hex(),
                .. U64(fields["created_at"].Int64()), .. U64(fields["not_before"].Int64()), .. U64(fields["not_after"].Int64()),
                .. fields["domain_signing_key"].Hex(), .. SpecLayout.Short(fields["address"].Text()),
            ];
            Assert.Equal(fields["signed_message"].Hex(), (byte[])[.. "tern/v1/user-key\n"u8, .. body]);
            var signature = new byte[64];
            domain.Sign(fields["signed_message"].Hex(), signature);
            Assert.Equal(fields["bytes"].Hex(), (byte[])[.. body, .. signature]);
            var fingerprint = new byte[32];
            Blake2b.Hash([.. fields["signing_key"].Hex(), .. fields["agreement_key"].Hex()], fingerprint, "tern/v1/user-key-fingerprint"u8);
            Assert.Equal(fields["fingerprint"].Hex(), fingerprint);
        }

        var revocation = vector["rotation"]!["revocation"]!;
        byte[] revocationBody =
        [
            1, 2, (byte)revocation["reason"].Int32(), .. revocation["revoked_fingerprint"].Hex(), .. revocation["replacement_fingerprint"].Hex(),
            .. U64(revocation["revoked_at"].Int64()), .. revocation["domain_signing_key"].Hex(), .. SpecLayout.Short(revocation["address"].Text()),
        ];
        Assert.Equal(revocation["signed_message"].Hex(), (byte[])[.. "tern/v1/user-key-revocation\n"u8, .. revocationBody]);
        var revocationSignature = new byte[64];
        domain.Sign(revocation["signed_message"].Hex(), revocationSignature);
        Assert.Equal(revocation["bytes"].Hex(), (byte[])[.. revocationBody, .. revocationSignature]);
        Assert.Equal(vector["record"]!["fingerprint"].Hex(), revocation["revoked_fingerprint"].Hex());
        Assert.Equal(vector["rotation"]!["new_record"]!["fingerprint"].Hex(), revocation["replacement_fingerprint"].Hex());
    }

    [Fact]
    public void User_key_bundle_and_lookup_decode_to_the_rotated_record()
    {
        var vector = VectorDocument.Load("user-keys.json");
        var bundleBytes = vector["bundle"]!["bytes"].Hex();
        byte[] framed = [3, .. Entry(vector["record"]!["bytes"].Hex()), .. Entry(vector["rotation"]!["revocation"]!["bytes"].Hex()), .. Entry(vector["rotation"]!["new_record"]!["bytes"].Hex())];
        Assert.Equal(bundleBytes, framed);

        Assert.True(UserKeyBundle.TryParse(bundleBytes, out var bundle, out var error, out _), error.ToString());
        Assert.Equal(RecordFrom(vector["record"]!), bundle!.Records[0]);
        var domainKey = new Bytes32(vector["domain_signing_public"].Hex());
        Assert.Equal(UserKeyVerdict.Valid, bundle.Current(domainKey, vector["address"].Text(), vector["bundle"]!["checked_at"].Int64(), out var current));
        Assert.Equal(vector["bundle"]!["current_fingerprint"].Hex(), current.Fingerprint.ToArray());
        Assert.Equal(UserKeyVerdict.Revoked, bundle.Records[0].Check(domainKey, vector["address"].Text(), vector["bundle"]!["checked_at"].Int64(), bundle.Revocations));

        var addressHash = new byte[32];
        Blake2b.Hash(vector["address"].Ascii(), addressHash, "tern/v1/user-address"u8);
        Assert.Equal(vector["address_hash"].Hex(), addressHash);
        Assert.Equal(UserAddress.Hash(vector["address"].Text()).ToArray(), addressHash);
        var lookup = vector["lookup"]!;
        Assert.Equal("/v1/user-keys/" + new Bytes32(addressHash), lookup["http_path"].Text());
        Assert.Equal(lookup["request_frame"].Hex(), [0, 0, 0, 32, 0, 0, 0, 1, 0x0B, 0, .. addressHash]);
        Assert.Equal(lookup["answer_frame"].Hex(), [.. U32((uint)bundleBytes.Length + 1), 0, 0, 0, 1, 0x0C, 1, 0, .. bundleBytes]);
        Assert.Equal(lookup["not_found_frame"].Hex(), [0, 0, 0, 1, 0, 0, 0, 3, 0x0C, 1, 1]);
    }

    [Fact]
    public void Pairwise_and_introduction_hashes_encode_from_the_agreement_keys()
    {
        var vector = VectorDocument.Load("recipient-hash.json");
        var pairwise = vector["pairwise"]!;
        var sender = pairwise["sender_agreement_public"].Hex();
        var recipient = pairwise["recipient_agreement_public"].Hex();
        var shared = new byte[32];
        Assert.True(X25519.TryAgree(pairwise["recipient_agreement_secret"].Hex(), sender, shared));
        Assert.Equal(pairwise["shared_secret"].Hex(), shared);
        Assert.Equal(pairwise["message"].Hex(), [0x03, .. shared, .. sender, .. recipient, .. SpecLayout.Short(pairwise["recipient_domain"].Text())]);
        Assert.Equal(pairwise["recipient_hash"].Hex(), RecipientAddressHash(pairwise["message"].Hex()));
        foreach (var secret in new[] { pairwise["sender_agreement_secret"].Hex(), pairwise["recipient_agreement_secret"].Hex() })
        {
            Assert.True(RecipientHashDerivation.TryPairwise(secret, sender, recipient, pairwise["recipient_domain"].Text(), out var hash));
            Assert.Equal(pairwise["recipient_hash"].Hex(), hash.Value.ToArray());
        }

        var introduction = vector["introduction"]!;
        Assert.Equal(introduction["message"].Hex(), [0x04, .. introduction["recipient_agreement_public"].Hex(), .. SpecLayout.Short(introduction["recipient_domain"].Text())]);
        Assert.Equal(introduction["recipient_hash"].Hex(), RecipientAddressHash(introduction["message"].Hex()));
        Assert.Equal(introduction["recipient_hash"].Hex(), RecipientHashDerivation.Introduction(introduction["recipient_agreement_public"].Hex(), introduction["recipient_domain"].Text()).Value.ToArray());
    }

    /// <summary>a.example's key set from the secrets of keys.json.</summary>
    private static DomainKeySet DomainA()
    {
        var a = VectorDocument.Load("keys.json")["domains"].Array().First(d => d!["domain"].Text() == "a.example")!;
        return DomainKeySet.FromSecrets("a.example", a["signing_seed"].Hex(), a["agreement_secret"].Hex(), DateTimeOffset.UnixEpoch);
    }

    private static UserKeyRecord RecordFrom(JsonNode fields) => new(
        (UserKeyFlags)fields["flags"].Int32(),
        new Bytes32(fields["signing_key"].Hex()),
        new Bytes32(fields["agreement_key"].Hex()),
        fields["created_at"].Int64(),
        fields["not_before"].Int64(),
        fields["not_after"].Int64(),
        new Bytes32(fields["domain_signing_key"].Hex()),
        fields["address"].Text());

    private static byte[] Entry(byte[] bytes) => [.. U16(bytes.Length), .. bytes];

    private static byte[] U16(int value) => [(byte)(value >> 8), (byte)value];

    private static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] U64(long value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] Ed25519Public(byte[] seed)
    {
        var publicKey = new byte[32];
        Ed25519.PublicKeyFromSeed(seed, publicKey);
        return publicKey;
    }
}
