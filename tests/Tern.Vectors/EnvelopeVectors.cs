using System.Buffers.Binary;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Envelopes;
using Tern.Engine.Protocol.Payload;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.Vectors;

/// <summary>envelope.json: alice's signed envelope to bob's pairwise hash, sealed to bob's agreement key, at the head of a message blob.</summary>
internal static class EnvelopeVectors
{
    public const string FileName = "envelope.json";

    /// <summary>The message's plaintext, which the payload encrypts under the content key (§15.5).</summary>
    public static byte[] Plaintext => "tern/1 envelope vector payload: sealed to bob by his client\n"u8.ToArray();

    private const string Description =
        "Signed envelope (PROTOCOL.md §15). alice@a.example (the record of user-keys.json) writes to bob@b.example under the pairwise "
        + "hash of recipient-hash.json. \"signed_message\" is \"tern/v1/envelope\\n\" || every byte before the signature, signed with "
        + "alice's user key. \"sealed\" is ephemeral_public || XChaCha20-Poly1305(key = H(key = X25519(ephemeral, bob), msg = "
        + "\"tern/v1/envelope-seal\" || ephemeral_public || bob_agreement_public), nonce = 24 zero bytes, no associated data). \"blob\" is "
        + "the message blob: version 1, u16 slot count, u16-length-prefixed sealed envelopes, then the payload, whose payload hash "
        + "(§4.8) the envelope carries. \"payload\" is \"plaintext\" under payload_cipher 1 (§15.5): 65 536-byte chunks, chunk i sealed "
        + "with XChaCha20-Poly1305(key = content_key, nonce = u64(i) || u8(last) || 15 zero bytes, no associated data), the last chunk "
        + "shorter than 65 536 bytes (here the only one). \"sender_bundle\" is the key lookup answer for alice at sent_at. Times in ms; bytes lower-case hex.";

    public static VectorFile Build(VectorKeys keys)
    {
        var record = UserKeyVectors.Record(keys);
        var recordBytes = UserKeyVectors.Sign(record, keys);
        var senderAgreement = RecipientHashVectors.AgreementPublic(VectorInputs.SenderUserAgreementSecret);
        var recipientAgreement = RecipientHashVectors.AgreementPublic(VectorInputs.RecipientUserAgreementSecret);
        if (!RecipientHashDerivation.TryPairwise(VectorInputs.SenderUserAgreementSecret, senderAgreement, recipientAgreement, VectorInputs.DomainB, out var hash))
        {
            throw new InvalidOperationException("The vector users' keys agree.");
        }

        var plaintext = Plaintext;
        var payload = new byte[PayloadEncryption.SealedLength(plaintext.Length)];
        PayloadEncryption.SealChunk(VectorInputs.EnvelopeContentKey, 0, last: true, plaintext, payload);
        var envelope = new SignedEnvelope(
            EnvelopeFlags.ReadReceiptRequested,
            VectorInputs.ReceiptMessageId,
            default,
            hash,
            record.Fingerprint,
            VectorInputs.SentAtMs,
            VectorInputs.TransitExpiryMs,
            payload.Length,
            PayloadTree.Hash(payload),
            PayloadCipher.ChunkedXChaCha20Poly1305,
            new Bytes32(VectorInputs.EnvelopeContentKey),
            VectorInputs.SenderAddress,
            "text/plain; charset=utf-8");
        var bytes = new byte[envelope.EncodedLength];
        using (var aliceKey = Ed25519.ImportSeed(VectorInputs.SenderUserSeed))
        {
            envelope.Sign(aliceKey, record, bytes);
        }

        var sealedEnvelope = new byte[bytes.Length + EnvelopeSeal.Overhead];
        EnvelopeSeal.Seal(bytes, recipientAgreement, VectorInputs.EnvelopeEphemeralSecret, sealedEnvelope);
        var blob = new byte[1 + 2 + 2 + sealedEnvelope.Length + payload.Length];
        blob[0] = 1;
        BinaryPrimitives.WriteUInt16BigEndian(blob.AsSpan(1), 1);
        BinaryPrimitives.WriteUInt16BigEndian(blob.AsSpan(3), (ushort)sealedEnvelope.Length);
        sealedEnvelope.CopyTo(blob, 5);
        payload.CopyTo(blob, 5 + sealedEnvelope.Length);
        var signedLength = bytes.Length - Ed25519.SignatureSize;

        return VectorJson.Document(FileName, Description, json =>
        {
            json.WriteHex("sender_signing_seed", VectorInputs.SenderUserSeed);
            json.WriteHex("sender_domain_signing_public", keys.A.SigningPublicKey);
            json.WriteHex("sender_bundle", UserKeyBundle.Encode([recordBytes]));
            json.WriteHex("recipient_agreement_secret", VectorInputs.RecipientUserAgreementSecret);
            json.WriteHex("recipient_agreement_public", recipientAgreement);

            json.WriteStartObject("envelope");
            json.WriteNumber("version", SignedEnvelope.Version);
            json.WriteNumber("flags", (int)envelope.Flags);
            json.WriteHex("message_id", envelope.MessageId.Value.ToArray());
            json.WriteHex("thread_id", envelope.ThreadId.Value.ToArray());
            json.WriteHex("recipient_hash", envelope.RecipientHash.Value.ToArray());
            json.WriteHex("sender_key_fingerprint", envelope.SenderKeyFingerprint.ToArray());
            json.WriteNumber("sent_at", envelope.SentAtMs);
            json.WriteNumber("transit_expiry", envelope.TransitExpiryMs);
            json.WriteNumber("payload_size", envelope.PayloadSize);
            json.WriteHex("payload_hash", envelope.PayloadHash.ToArray());
            json.WriteNumber("payload_cipher", (int)envelope.PayloadCipher);
            json.WriteHex("content_key", envelope.ContentKey.ToArray());
            json.WriteString("sender_address", envelope.SenderAddress);
            json.WriteString("mime_type", envelope.MimeType);
            json.WriteEndObject();

            json.WriteHex("signed_message", [.. SignedEnvelope.SignatureContext, .. bytes.AsSpan(0, signedLength)]);
            json.WriteHex("signature", bytes.AsSpan(signedLength));
            json.WriteHex("bytes", bytes);
            json.WriteHex("ephemeral_secret", VectorInputs.EnvelopeEphemeralSecret);
            json.WriteHex("sealed", sealedEnvelope);
            json.WriteHex("plaintext", plaintext);
            json.WriteHex("payload", payload);
            json.WriteHex("blob", blob);
        });
    }
}
