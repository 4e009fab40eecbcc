using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Tern.Engine.Crypto;
using Tern.Engine.Protocol.Notification;

namespace Tern.Vectors;

/// <summary>notification-datagram.json and retraction-datagram.json: one sealed datagram of each type, a.example → b.example.</summary>
internal static class NotificationVectors
{
    public const string NotificationFileName = "notification-datagram.json";
    public const string RetractionFileName = "retraction-datagram.json";

    private const string NotificationDescription =
        "Notification datagram (PROTOCOL.md §4.1, records §4.2, key §4.3) from a.example to b.example with three records: full "
        + "(MIME hint and fetch hints), minimal (no hints), and via_gateway (flags bit 0, a.example relaying c.example's blob). "
        + "\"key\" is k(a.example→b.example) of keys.json; \"record\" is each record's bytes without its u16 length prefix; "
        + "\"header\" is bytes 0–57, the AEAD's associated data; \"plaintext_body\" is sent_at || count || records (no padding); "
        + "\"datagram\" is header || XChaCha20-Poly1305-IETF(key, nonce, plaintext_body, header) with the tag appended. "
        + "Times in ms since the epoch; bytes lower-case hex.";

    private const string RetractionDescription =
        "Retraction datagram (PROTOCOL.md §4.1, retraction records §4.2, §11) from a.example to b.example: one notice before the "
        + "fetch (flags 0) and one after_fetch (flags bit 0), retracting capabilities of notification-datagram.json. Fields as in "
        + "notification-datagram.json. Times in ms since the epoch; bytes lower-case hex.";

    public static VectorFile BuildNotification(VectorKeys keys)
    {
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var writer = new DatagramWriter(buffer, DatagramType.Notification, keys.A.AgreementPublicKey, VectorInputs.NotificationNonce, VectorInputs.SentAtMs);
        foreach (var input in VectorInputs.NotificationRecords)
        {
            var hints = FetchHintList.Encode(input.FetchHints);
            if (!FetchHintList.TryCreate(hints, out var hintList))
            {
                throw new InvalidOperationException("Fetch hints the engine encoded must be valid.");
            }

            var record = new NotificationRecord(input.Capability, input.RecipientHash, input.TransitExpiryMs, input.PayloadSize, input.PayloadHash,
                input.Attempt, input.Flags, Encoding.ASCII.GetBytes(input.SenderDomain), Encoding.ASCII.GetBytes(input.MimeHint), hintList);
            Require(writer.TryAdd(record));
        }

        var key = SendingKey(keys);
        var datagram = buffer[..writer.Seal(key)];
        var plaintext = Open(datagram, key);
        var recordBytes = SplitRecords(plaintext);

        return VectorJson.Document(NotificationFileName, NotificationDescription, json =>
        {
            WriteEnvelope(json, keys, DatagramType.Notification, VectorInputs.NotificationNonce, key);
            json.WriteStartArray("records");
            var records = VectorInputs.NotificationRecords;
            for (var i = 0; i < records.Count; i++)
            {
                var input = records[i];
                json.WriteStartObject();
                json.WriteHex("capability", input.Capability.Value.ToArray());
                json.WriteHex("recipient_hash", input.RecipientHash.Value.ToArray());
                json.WriteNumber("transit_expiry", input.TransitExpiryMs);
                json.WriteNumber("payload_size", input.PayloadSize);
                json.WriteHex("payload_hash", input.PayloadHash.ToArray());
                json.WriteNumber("attempt", input.Attempt);
                json.WriteNumber("flags", (byte)input.Flags);
                json.WriteString("sender_domain", input.SenderDomain);
                json.WriteString("mime_hint", input.MimeHint);
                json.WriteStrings("fetch_hints", input.FetchHints);
                json.WriteHex("record", recordBytes[i]);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            WriteBytes(json, datagram, plaintext);
        });
    }

    public static VectorFile BuildRetraction(VectorKeys keys)
    {
        var buffer = new byte[NotificationLimits.MaxDatagramSize];
        var writer = new DatagramWriter(buffer, DatagramType.Retraction, keys.A.AgreementPublicKey, VectorInputs.RetractionNonce, VectorInputs.SentAtMs);
        foreach (var input in VectorInputs.RetractionRecords)
        {
            Require(writer.TryAdd(new RetractionRecord(input.Capability, input.RecipientHash, input.Flags, Encoding.ASCII.GetBytes(input.SenderDomain))));
        }

        var key = SendingKey(keys);
        var datagram = buffer[..writer.Seal(key)];
        var plaintext = Open(datagram, key);
        var recordBytes = SplitRecords(plaintext);

        return VectorJson.Document(RetractionFileName, RetractionDescription, json =>
        {
            WriteEnvelope(json, keys, DatagramType.Retraction, VectorInputs.RetractionNonce, key);
            json.WriteStartArray("records");
            var records = VectorInputs.RetractionRecords;
            for (var i = 0; i < records.Count; i++)
            {
                var input = records[i];
                json.WriteStartObject();
                json.WriteHex("capability", input.Capability.Value.ToArray());
                json.WriteHex("recipient_hash", input.RecipientHash.Value.ToArray());
                json.WriteNumber("flags", (byte)input.Flags);
                json.WriteString("sender_domain", input.SenderDomain);
                json.WriteHex("record", recordBytes[i]);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            WriteBytes(json, datagram, plaintext);
        });
    }

    private static void WriteEnvelope(Utf8JsonWriter json, VectorKeys keys, DatagramType type, byte[] nonce, byte[] key)
    {
        json.WriteString("sender", keys.A.Domain);
        json.WriteString("receiver", keys.B.Domain);
        json.WriteHex("sender_key", keys.A.AgreementPublicKey);
        json.WriteHex("receiver_key", keys.B.AgreementPublicKey);
        json.WriteHex("key", key);
        json.WriteNumber("version", NotificationLimits.Version);
        json.WriteNumber("type", (byte)type);
        json.WriteNumber("sent_at", VectorInputs.SentAtMs);
        json.WriteHex("nonce", nonce);
    }

    private static void WriteBytes(Utf8JsonWriter json, byte[] datagram, byte[] plaintext)
    {
        json.WriteHex("header", datagram.AsSpan(0, NotificationLimits.HeaderSize));
        json.WriteHex("plaintext_body", plaintext);
        json.WriteHex("datagram", datagram);
    }

    private static byte[] SendingKey(VectorKeys keys)
    {
        var key = new byte[NotificationKey.Size];
        Require(NotificationKey.TryDeriveSending(keys.A, keys.B.AgreementPublicKey, key));
        return key;
    }

    /// <summary>The body the writer sealed, recovered with the AEAD alone so the file shows exactly what was encrypted.</summary>
    private static byte[] Open(byte[] datagram, byte[] key)
    {
        var header = datagram.AsSpan(0, NotificationLimits.HeaderSize);
        var plaintext = new byte[datagram.Length - NotificationLimits.HeaderSize - NotificationLimits.TagSize];
        Require(XChaCha20Poly1305.TryOpen(key, header[34..], datagram.AsSpan(NotificationLimits.HeaderSize), header, plaintext));
        return plaintext;
    }

    /// <summary>Each record's bytes, following the u16 length prefixes after sent_at and count (§4.1).</summary>
    private static List<byte[]> SplitRecords(byte[] plaintext)
    {
        var records = new List<byte[]>();
        var offset = NotificationLimits.BodyHeaderSize;
        for (var i = 0; i < plaintext[8]; i++)
        {
            int length = BinaryPrimitives.ReadUInt16BigEndian(plaintext.AsSpan(offset));
            records.Add(plaintext.AsSpan(offset + 2, length).ToArray());
            offset += 2 + length;
        }

        return records;
    }

    private static void Require(bool condition)
    {
        if (!condition)
        {
            throw new InvalidOperationException("The fixed vector inputs must encode.");
        }
    }
}
