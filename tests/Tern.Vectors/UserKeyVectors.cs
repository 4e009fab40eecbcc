using System.Buffers.Binary;
using System.Text.Json;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.UserKeys;

namespace Tern.Vectors;

/// <summary>user-keys.json: alice@a.example's key record, its rotation (revocation + new record), the lookup bundle and its two doors.</summary>
internal static class UserKeyVectors
{
    public const string FileName = "user-keys.json";

    /// <summary>The record was signed thirty days before the notification vectors were sent, valid for a year.</summary>
    public const long CreatedAtMs = VectorInputs.SentAtMs - (30 * 86_400_000L);

    public const long NotAfterMs = CreatedAtMs + (365 * 86_400_000L);

    /// <summary>The rotation, a day after the notification vectors.</summary>
    public const long RotatedAtMs = VectorInputs.SentAtMs + 86_400_000L;

    /// <summary>Framed door frame types of §14.4.</summary>
    public const byte UserKeysRequestFrame = 0x0B;
    public const byte UserKeysFrame = 0x0C;

    private const string Description =
        "User key record, revocation and lookup (PROTOCOL.md §14). \"record\" is alice@a.example's key record signed by a.example: "
        + "\"signed_message\" is \"tern/v1/user-key\\n\" || every byte before the signature. \"fingerprint\" is H(key = "
        + "\"tern/v1/user-key-fingerprint\", msg = signing_key || agreement_key). \"rotation\" revokes it (\"tern/v1/user-key-revocation\\n\", "
        + "reason 1 superseded, naming the new record's fingerprint) and publishes a new record. \"bundle\" is the lookup answer "
        + "(count, then u16-length-prefixed entries) a day after the rotation, when the new record is current. \"address_hash\" is "
        + "H(key = \"tern/v1/user-address\", msg = address): the HTTP path and the framed user_keys_request ask by it. Times in ms; "
        + "bytes lower-case hex.";

    public static UserKeyRecord Record(VectorKeys keys) => new(
        UserKeyFlags.None,
        new Bytes32(Ed25519Public(VectorInputs.SenderUserSeed)),
        new Bytes32(RecipientHashVectors.AgreementPublic(VectorInputs.SenderUserAgreementSecret)),
        CreatedAtMs,
        CreatedAtMs,
        NotAfterMs,
        new Bytes32(keys.A.SigningPublicKey),
        VectorInputs.SenderAddress);

    public static byte[] Sign(UserKeyRecord record, VectorKeys keys)
    {
        var bytes = new byte[record.EncodedLength];
        return record.Sign(keys.A, bytes) == bytes.Length ? bytes : throw new InvalidOperationException("length");
    }

    public static VectorFile Build(VectorKeys keys)
    {
        var record = Record(keys);
        var recordBytes = Sign(record, keys);
        var rotated = record with
        {
            SigningKey = new Bytes32(Ed25519Public(VectorInputs.RotatedUserSeed)),
            AgreementKey = new Bytes32(RecipientHashVectors.AgreementPublic(VectorInputs.RotatedUserAgreementSecret)),
            CreatedAtMs = RotatedAtMs,
            NotBeforeMs = RotatedAtMs,
            NotAfterMs = RotatedAtMs + (365 * 86_400_000L),
        };
        var rotatedBytes = Sign(rotated, keys);
        var revocation = new UserKeyRevocation(RevocationReason.Superseded, record.Fingerprint, rotated.Fingerprint, RotatedAtMs, record.DomainSigningKey, record.Address);
        var revocationBytes = new byte[revocation.EncodedLength];
        revocation.Sign(keys.A, revocationBytes);
        var bundle = UserKeyBundle.Encode([recordBytes, revocationBytes, rotatedBytes]);
        var addressHash = UserAddress.Hash(VectorInputs.SenderAddress);

        return VectorJson.Document(FileName, Description, json =>
        {
            json.WriteString("domain", keys.A.Domain);
            json.WriteHex("domain_signing_public", keys.A.SigningPublicKey);
            json.WriteString("address", VectorInputs.SenderAddress);
            json.WriteHex("address_hash", addressHash.ToArray());

            json.WriteStartObject("record");
            json.WriteHex("user_signing_seed", VectorInputs.SenderUserSeed);
            json.WriteHex("user_agreement_secret", VectorInputs.SenderUserAgreementSecret);
            WriteRecord(json, record, recordBytes, UserKeyRecord.SignatureContext);
            json.WriteEndObject();

            json.WriteStartObject("rotation");
            json.WriteStartObject("revocation");
            json.WriteNumber("version", UserKeyRecord.Version);
            json.WriteNumber("kind", UserKeyRevocation.Kind);
            json.WriteNumber("reason", (int)revocation.Reason);
            json.WriteHex("revoked_fingerprint", revocation.RevokedFingerprint.ToArray());
            json.WriteHex("replacement_fingerprint", revocation.ReplacementFingerprint.ToArray());
            json.WriteNumber("revoked_at", revocation.RevokedAtMs);
            json.WriteHex("domain_signing_key", revocation.DomainSigningKey.ToArray());
            json.WriteString("address", revocation.Address);
            json.WriteHex("signed_message", [.. UserKeyRevocation.SignatureContext, .. revocationBytes.AsSpan(0, revocationBytes.Length - Ed25519.SignatureSize)]);
            json.WriteHex("bytes", revocationBytes);
            json.WriteEndObject();
            json.WriteStartObject("new_record");
            json.WriteHex("user_signing_seed", VectorInputs.RotatedUserSeed);
            json.WriteHex("user_agreement_secret", VectorInputs.RotatedUserAgreementSecret);
            WriteRecord(json, rotated, rotatedBytes, UserKeyRecord.SignatureContext);
            json.WriteEndObject();
            json.WriteEndObject();

            json.WriteStartObject("bundle");
            json.WriteNumber("checked_at", RotatedAtMs + 86_400_000L);
            json.WriteHex("current_fingerprint", rotated.Fingerprint.ToArray());
            json.WriteHex("bytes", bundle);
            json.WriteEndObject();

            json.WriteStartObject("lookup");
            json.WriteString("http_path", "/v1/user-keys/" + addressHash);
            json.WriteHex("request_frame", Frame(1, UserKeysRequestFrame, 0, addressHash.ToArray()));
            json.WriteHex("answer_frame", Frame(1, UserKeysFrame, 1, [0, .. bundle]));
            json.WriteHex("not_found_frame", Frame(3, UserKeysFrame, 1, [1]));
            json.WriteEndObject();
        });
    }

    private static void WriteRecord(Utf8JsonWriter json, UserKeyRecord record, byte[] bytes, ReadOnlySpan<byte> context)
    {
        json.WriteNumber("version", UserKeyRecord.Version);
        json.WriteNumber("kind", UserKeyRecord.Kind);
        json.WriteNumber("algorithm", UserKeyRecord.Algorithm);
        json.WriteNumber("flags", (int)record.Flags);
        json.WriteHex("signing_key", record.SigningKey.ToArray());
        json.WriteHex("agreement_key", record.AgreementKey.ToArray());
        json.WriteNumber("created_at", record.CreatedAtMs);
        json.WriteNumber("not_before", record.NotBeforeMs);
        json.WriteNumber("not_after", record.NotAfterMs);
        json.WriteHex("domain_signing_key", record.DomainSigningKey.ToArray());
        json.WriteString("address", record.Address);
        json.WriteHex("fingerprint", record.Fingerprint.ToArray());
        json.WriteHex("signed_message", [.. context, .. bytes.AsSpan(0, bytes.Length - Ed25519.SignatureSize)]);
        json.WriteHex("bytes", bytes);
    }

    /// <summary>A framed-door frame (§8.2): length, stream, type, flags, payload.</summary>
    private static byte[] Frame(uint stream, byte type, byte flags, byte[] payload)
    {
        var frame = new byte[10 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(4), stream);
        frame[8] = type;
        frame[9] = flags;
        payload.CopyTo(frame, 10);
        return frame;
    }

    internal static byte[] Ed25519Public(byte[] seed)
    {
        var publicKey = new byte[Ed25519.PublicKeySize];
        Ed25519.PublicKeyFromSeed(seed, publicKey);
        return publicKey;
    }
}
