using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Tern.Engine.Protocol.Fetch;

namespace Tern.Vectors;

/// <summary>fetch-frames.json: the preface and one frame of each kind of the framed fetch door.</summary>
internal static class FetchFrameVectors
{
    public const string FileName = "fetch-frames.json";

    private const ulong PingData = 0x0011_2233_4455_6677;

    private const string Description =
        "Framed fetch door (PROTOCOL.md §8.2–8.3): the connection preface, then one frame of each kind, each as its header fields "
        + "(length, stream, type, flags), its payload fields, the payload bytes and the whole frame (10-byte header || payload). "
        + "Stream 1 fetches the whole blob (length 18446744073709551615 = 0xFFFFFFFFFFFFFFFF, to the end) and gets meta ok then "
        + "one data frame with end_stream; stream 3 is a head fetch answered by meta ok with end_stream; stream 5 gets not_found; "
        + "stream 7 is cancelled and ended by the server with an empty data frame carrying end_stream (§8.3); stream 9 asks for 0 "
        + "bytes at offset 10, below the size, and gets meta ok with length 0 then one empty data frame with end_stream (§8.6.4). "
        + "A meta never carries the head flag. The blob is that of notification-datagram.json's first record; the descriptor frame "
        + "carries descriptor.json's document. Times in ms since the epoch; bytes lower-case hex.";

    public static VectorFile Build(VectorKeys keys)
    {
        var blob = VectorInputs.Blob;
        var capability = VectorInputs.Capability1;
        var mime = "message/rfc822";
        var document = DescriptorVectors.SignedDocument(keys);
        const string GoAwayReason = "server shutting down";

        return VectorJson.Document(FileName, Description, json =>
        {
            var preface = new ArrayBufferWriter<byte>();
            FrameWriter.WritePreface(preface);
            json.WriteHex("preface", preface.WrittenSpan);

            json.WriteStartArray("frames");
            Frame(json, "fetch", output => FrameWriter.WriteFetch(output, 1, new FetchRequest(capability, 0, FetchRequest.ToEnd)), fields =>
            {
                fields.WriteHex("capability", capability.Value.ToArray());
                fields.WriteNumber("offset", 0);
                fields.WriteNumber("length", FetchRequest.ToEnd);
            });
            Frame(json, "fetch_head", output => FrameWriter.WriteFetch(output, 3, new FetchRequest(capability, 0, FetchRequest.ToEnd), head: true), fields =>
            {
                fields.WriteHex("capability", capability.Value.ToArray());
                fields.WriteNumber("offset", 0);
                fields.WriteNumber("length", FetchRequest.ToEnd);
            });
            Frame(json, "meta_ok", output => FrameWriter.WriteMeta(output, 1, OkMeta(blob, mime), endStream: false), fields => WriteOkMeta(fields, blob, mime));
            Frame(json, "meta_ok_head", output => FrameWriter.WriteMeta(output, 3, OkMeta(blob, mime), endStream: true), fields => WriteOkMeta(fields, blob, mime));
            Frame(json, "meta_not_found", output => FrameWriter.WriteMeta(output, 5, FetchMeta.Failure(MetaStatus.NotFound), endStream: true),
                fields => fields.WriteNumber("status", (byte)MetaStatus.NotFound));
            Frame(json, "data", output => FrameWriter.WriteData(output, 1, blob, endStream: true), fields => fields.WriteHex("data", blob));
            Frame(json, "cancel", output => FrameWriter.WriteCancel(output, 7), _ => { });
            Frame(json, "data_end_cancelled", output => FrameWriter.WriteData(output, 7, ReadOnlySpan<byte>.Empty, endStream: true), fields => fields.WriteHex("data", []));
            Frame(json, "fetch_empty_range", output => FrameWriter.WriteFetch(output, 9, new FetchRequest(capability, 10, 0)), fields =>
            {
                fields.WriteHex("capability", capability.Value.ToArray());
                fields.WriteNumber("offset", 10);
                fields.WriteNumber("length", 0);
            });
            Frame(json, "meta_ok_empty_range", output => FrameWriter.WriteMeta(output, 9, EmptyRangeMeta(blob, mime), endStream: false),
                fields => WriteMeta(fields, blob, mime, offset: 10, length: 0));
            Frame(json, "data_end_empty_range", output => FrameWriter.WriteData(output, 9, ReadOnlySpan<byte>.Empty, endStream: true), fields => fields.WriteHex("data", []));
            Frame(json, "goaway", output => FrameWriter.WriteGoAway(output, new GoAway(GoAwayCode.Normal, Encoding.UTF8.GetBytes(GoAwayReason))), fields =>
            {
                fields.WriteNumber("code", (byte)GoAwayCode.Normal);
                fields.WriteString("reason", GoAwayReason);
            });
            Frame(json, "descriptor_request", FrameWriter.WriteDescriptorRequest, _ => { });
            Frame(json, "descriptor", output => FrameWriter.WriteDescriptor(output, document), fields => fields.WriteString("document", Encoding.UTF8.GetString(document)));
            Frame(json, "ping", output => FrameWriter.WritePing(output, PingData), fields => fields.WriteHex("data", PingBytes()));
            Frame(json, "pong", output => FrameWriter.WritePong(output, PingData), fields => fields.WriteHex("data", PingBytes()));
            json.WriteEndArray();
        });
    }

    private static FetchMeta OkMeta(byte[] blob, string mime)
        => new(blob.Length, VectorInputs.BlobHash, VectorInputs.TransitExpiryMs, 0, blob.Length, Encoding.ASCII.GetBytes(mime));

    private static FetchMeta EmptyRangeMeta(byte[] blob, string mime)
        => new(blob.Length, VectorInputs.BlobHash, VectorInputs.TransitExpiryMs, 10, 0, Encoding.ASCII.GetBytes(mime));

    private static void WriteOkMeta(Utf8JsonWriter fields, byte[] blob, string mime) => WriteMeta(fields, blob, mime, offset: 0, length: blob.Length);

    private static void WriteMeta(Utf8JsonWriter fields, byte[] blob, string mime, long offset, long length)
    {
        fields.WriteNumber("status", (byte)MetaStatus.Ok);
        fields.WriteNumber("total_size", blob.Length);
        fields.WriteHex("payload_hash", VectorInputs.BlobHash.ToArray());
        fields.WriteNumber("transit_expiry", VectorInputs.TransitExpiryMs);
        fields.WriteNumber("offset", offset);
        fields.WriteNumber("length", length);
        fields.WriteString("mime_hint", mime);
    }

    private static byte[] PingBytes()
    {
        var bytes = new byte[FrameLimits.PingPayloadSize];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, PingData);
        return bytes;
    }

    /// <summary>Writes one frame entry: the frame as <paramref name="write"/> encodes it, its header read back, and its payload fields.</summary>
    private static void Frame(Utf8JsonWriter json, string name, Func<IBufferWriter<byte>, int> write, Action<Utf8JsonWriter> fields)
    {
        var output = new ArrayBufferWriter<byte>();
        var written = write(output);
        var frame = output.WrittenSpan;
        if (written != frame.Length || !FrameHeader.TryRead(frame, out var header) || header.Length != frame.Length - FrameHeader.Size)
        {
            throw new InvalidOperationException($"FrameWriter wrote an inconsistent {name} frame.");
        }

        json.WriteStartObject();
        json.WriteString("name", name);
        json.WriteStartObject("header");
        json.WriteNumber("length", header.Length);
        json.WriteNumber("stream", header.StreamId);
        json.WriteNumber("type", (byte)header.Type);
        json.WriteNumber("flags", (byte)header.Flags);
        json.WriteEndObject();
        json.WriteStartObject("fields");
        fields(json);
        json.WriteEndObject();
        json.WriteHex("payload", frame[FrameHeader.Size..]);
        json.WriteHex("frame", frame);
        json.WriteEndObject();
    }
}
