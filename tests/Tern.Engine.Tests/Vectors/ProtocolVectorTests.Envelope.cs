using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Envelopes;
using Tern.Engine.Protocol.Payload;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.Engine.Tests.Vectors;

/// <summary>envelope.json (docs/PROTOCOL.md §15).</summary>
public sealed partial class ProtocolVectorTests
{
    [Fact]
    public void Envelope_encodes_signs_and_seals_from_its_fields()
    {
        var vector = VectorDocument.Load("envelope.json");
        var fields = vector["envelope"]!;
        Assert.True(UserKeyBundle.TryParse(vector["sender_bundle"].Hex(), out var bundle, out _, out _));
        var record = bundle!.Records[0];
        Assert.Equal(record.Fingerprint.ToArray(), fields["sender_key_fingerprint"].Hex());

        var envelope = EnvelopeFrom(fields);
        var bytes = new byte[envelope.EncodedLength];
        using (var key = Ed25519.ImportSeed(vector["sender_signing_seed"].Hex()))
        {
            envelope.Sign(key, record, bytes);
        }

        Assert.Equal(vector["bytes"].Hex(), bytes);

        // §15.1 by hand.
        byte[] body =
        [
            (byte)fields["version"].Int32(), (byte)fields["flags"].Int32(), .. fields["message_id"].Hex(), .. fields["thread_id"].Hex(),
            .. fields["recipient_hash"].Hex(), .. fields["sender_key_fingerprint"].Hex(), .. U64(fields["sent_at"].Int64()),
            .. U64(fields["transit_expiry"].Int64()), .. U64(fields["payload_size"].Int64()), .. fields["payload_hash"].Hex(),
            (byte)fields["payload_cipher"].Int32(), .. fields["content_key"].Hex(),
            .. SpecLayout.Short(fields["sender_address"].Text()), .. SpecLayout.Short(fields["mime_type"].Text()),
        ];
        Assert.Equal(vector["signed_message"].Hex(), (byte[])[.. "tern/v1/envelope\n"u8, .. body]);
        Assert.Equal(vector["bytes"].Hex(), (byte[])[.. body, .. vector["signature"].Hex()]);
        Assert.True(Ed25519.Verify(record.SigningKey.ToArray(), vector["signed_message"].Hex(), vector["signature"].Hex()));

        // §15.2 by hand: the seal key from the ephemeral secret and bob's public key, a zero nonce.
        var sealedEnvelope = new byte[bytes.Length + EnvelopeSeal.Overhead];
        EnvelopeSeal.Seal(bytes, vector["recipient_agreement_public"].Hex(), vector["ephemeral_secret"].Hex(), sealedEnvelope);
        Assert.Equal(vector["sealed"].Hex(), sealedEnvelope);
        var ephemeralPublic = new byte[32];
        X25519.PublicKeyFromSecret(vector["ephemeral_secret"].Hex(), ephemeralPublic);
        var shared = new byte[32];
        Assert.True(X25519.TryAgree(vector["ephemeral_secret"].Hex(), vector["recipient_agreement_public"].Hex(), shared));
        var sealKey = new byte[32];
        Blake2b.Hash([.. "tern/v1/envelope-seal"u8, .. ephemeralPublic, .. vector["recipient_agreement_public"].Hex()], sealKey, shared);
        var ciphertext = new byte[bytes.Length + 16];
        XChaCha20Poly1305.Seal(sealKey, new byte[24], bytes, default, ciphertext);
        Assert.Equal(vector["sealed"].Hex(), (byte[])[.. ephemeralPublic, .. ciphertext]);

        var payload = vector["payload"].Hex();
        Assert.Equal(PayloadTree.Hash(payload).ToArray(), fields["payload_hash"].Hex());

        // §15.5 by hand: one chunk, the last, nonce u64(0) || 1 || 15 zero bytes, under the content key.
        Assert.Equal(1, fields["payload_cipher"].Int32());
        var nonce = new byte[24];
        nonce[8] = 1;
        var sealedPayload = new byte[vector["plaintext"].Hex().Length + 16];
        XChaCha20Poly1305.Seal(fields["content_key"].Hex(), nonce, vector["plaintext"].Hex(), default, sealedPayload);
        Assert.Equal(payload, sealedPayload);
        Assert.Equal(vector["blob"].Hex(), [1, 0, 1, .. U16(sealedEnvelope.Length), .. sealedEnvelope, .. payload]);
    }

    [Fact]
    public void Envelope_opens_and_verifies_as_bobs_client_would()
    {
        var vector = VectorDocument.Load("envelope.json");
        var blob = vector["blob"].Hex();
        Assert.Equal(1, blob[0]);
        Assert.Equal(1, BinaryPrimitives.ReadUInt16BigEndian(blob.AsSpan(1)));
        var slot = blob.AsSpan(5, BinaryPrimitives.ReadUInt16BigEndian(blob.AsSpan(3)));
        var payload = blob.AsSpan(5 + slot.Length);

        var opened = new byte[EnvelopeSeal.MaxSize];
        Assert.True(EnvelopeSeal.TryOpen(vector["recipient_agreement_secret"].Hex(), slot, opened, out var written));
        Assert.Equal(vector["bytes"].Hex(), opened[..written]);

        Assert.True(UserKeyBundle.TryParse(vector["sender_bundle"].Hex(), out var bundle, out _, out _));
        var fields = vector["envelope"]!;
        var verdict = EnvelopeVerification.Verify(opened.AsSpan(0, written), bundle!, new Bytes32(vector["sender_domain_signing_public"].Hex()),
            new RecipientHash(VectorDocument.Load("recipient-hash.json")["pairwise"]!["recipient_hash"].Hex()), fields["sent_at"].Int64(), out var envelope, out _);
        Assert.Equal(EnvelopeVerdict.Valid, verdict);
        Assert.Equal(EnvelopeFrom(fields), envelope);
        Assert.Equal(EnvelopeVerdict.Valid, EnvelopeVerification.CheckPayload(envelope, payload.Length, PayloadTree.Hash(payload)));

        // The slot's content key opens the payload.
        Assert.True(PayloadEncryption.TryPlaintextLength(payload.Length, out var plainLength));
        var plain = new byte[plainLength];
        Assert.True(PayloadEncryption.TryOpenChunk(envelope.ContentKey.ToArray(), 0, last: true, payload, plain));
        Assert.Equal(vector["plaintext"].Hex(), plain);
    }

    private static SignedEnvelope EnvelopeFrom(JsonNode fields) => new(
        (EnvelopeFlags)fields["flags"].Int32(),
        new MessageId(fields["message_id"].Hex()),
        new MessageId(fields["thread_id"].Hex()),
        new RecipientHash(fields["recipient_hash"].Hex()),
        new Bytes32(fields["sender_key_fingerprint"].Hex()),
        fields["sent_at"].Int64(),
        fields["transit_expiry"].Int64(),
        fields["payload_size"].Int64(),
        new Bytes32(fields["payload_hash"].Hex()),
        (PayloadCipher)fields["payload_cipher"].Int32(),
        new Bytes32(fields["content_key"].Hex()),
        fields["sender_address"].Text(),
        fields["mime_type"].Text());
}
