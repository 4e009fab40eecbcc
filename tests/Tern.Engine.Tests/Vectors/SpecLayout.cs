using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace Tern.Engine.Tests.Vectors;

/// <summary>
/// A second encoder, written from the tables of docs/PROTOCOL.md alone with no engine codec, fed the vectors' fields.
/// When it and the engine both reproduce a vector, the engine agrees with the spec and not merely with itself.
/// </summary>
internal static class SpecLayout
{
    /// <summary>§4.1: version, type, sender_key, nonce.</summary>
    public static byte[] DatagramHeader(JsonNode vector)
        => [(byte)vector["version"].Int32(), (byte)vector["type"].Int32(), .. vector["sender_key"].Hex(), .. vector["nonce"].Hex()];

    /// <summary>§4.1: sent_at, count, then each record behind its u16 length; no padding.</summary>
    public static byte[] DatagramBody(long sentAt, IReadOnlyList<byte[]> records)
    {
        var body = new List<byte>(U64(sentAt)) { (byte)records.Count };
        foreach (var record in records)
        {
            body.AddRange(U16(record.Length));
            body.AddRange(record);
        }

        return [.. body];
    }

    /// <summary>§4.2, notification record.</summary>
    public static byte[] NotificationRecord(JsonNode record)
    {
        var hints = record["fetch_hints"].Strings();
        return
        [
            .. record["capability"].Hex(),
            .. record["recipient_hash"].Hex(),
            .. U64(record["transit_expiry"].Int64()),
            .. U64(record["payload_size"].Int64()),
            .. record["payload_hash"].Hex(),
            .. U16(record["attempt"].Int32()),
            (byte)record["flags"].Int32(),
            .. Short(record["sender_domain"].Text()),
            .. Short(record["mime_hint"].Text()),
            (byte)hints.Length,
            .. hints.SelectMany(Short),
        ];
    }

    /// <summary>§4.2, retraction record.</summary>
    public static byte[] RetractionRecord(JsonNode record)
        => [.. record["capability"].Hex(), .. record["recipient_hash"].Hex(), (byte)record["flags"].Int32(), .. Short(record["sender_domain"].Text())];

    /// <summary>§5, first contact: 0x01 || sender_user_public || recipient_user_public || short(recipient_domain).</summary>
    public static byte[] FirstContactMessage(JsonNode input)
        => [0x01, .. input["sender_user_public"].Hex(), .. input["recipient_user_public"].Hex(), .. Short(input["recipient_domain"].Text())];

    /// <summary>§5, negotiated: 0x02 || short(shared_random) || short(recipient_domain).</summary>
    public static byte[] NegotiatedMessage(JsonNode input)
    {
        var shared = input["shared_random"].Hex();
        return [0x02, (byte)shared.Length, .. shared, .. Short(input["recipient_domain"].Text())];
    }

    /// <summary>§8.2: length, stream, type, flags, then the payload.</summary>
    public static byte[] Frame(JsonNode header, byte[] payload)
        => [.. U32(header["length"].Int64()), .. U32(header["stream"].Int64()), (byte)header["type"].Int32(), (byte)header["flags"].Int32(), .. payload];

    /// <summary>§8.3: the payload of a frame of type <paramref name="type"/> from its fields.</summary>
    public static byte[] FramePayload(int type, JsonNode fields) => type switch
    {
        0x01 => [.. fields["capability"].Hex(), .. U64(fields["offset"].UInt64()), .. U64(fields["length"].UInt64())],
        0x02 when fields["status"].Int32() != 0 => [(byte)fields["status"].Int32()],
        0x02 =>
        [
            (byte)fields["status"].Int32(),
            .. U64(fields["total_size"].UInt64()),
            .. fields["payload_hash"].Hex(),
            .. U64(fields["transit_expiry"].UInt64()),
            .. U64(fields["offset"].UInt64()),
            .. U64(fields["length"].UInt64()),
            .. Short(fields["mime_hint"].Text()),
        ],
        0x03 or 0x08 or 0x09 => fields["data"].Hex(),
        0x04 or 0x06 => [],
        0x05 => [(byte)fields["code"].Int32(), .. Encoding.UTF8.GetBytes(fields["reason"].Text())],
        0x07 => Encoding.UTF8.GetBytes(fields["document"].Text()),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a v1 frame type."),
    };

    /// <summary>§10: every field before the signature.</summary>
    public static byte[] ReceiptBody(JsonNode receipt)
        =>
        [
            (byte)receipt["version"].Int32(),
            .. receipt["message_id"].Hex(),
            .. receipt["payload_hash"].Hex(),
            .. U64(receipt["payload_size"].Int64()),
            .. U64(receipt["accepted_at"].Int64()),
            .. U64(receipt["honoured_expiry"].Int64()),
            .. receipt["gateway_signing_key"].Hex(),
            .. Short(receipt["recipient_domain"].Text()),
            .. Short(receipt["gateway_domain"].Text()),
        ];

    /// <summary>§2.5: u8 length, then the bytes.</summary>
    public static byte[] Short(string ascii)
    {
        var bytes = Encoding.ASCII.GetBytes(ascii);
        return [checked((byte)bytes.Length), .. bytes];
    }

    private static byte[] U16(int value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, checked((ushort)value));
        return bytes;
    }

    private static byte[] U32(long value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, checked((uint)value));
        return bytes;
    }

    private static byte[] U64(long value) => U64(checked((ulong)value));

    private static byte[] U64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }
}
