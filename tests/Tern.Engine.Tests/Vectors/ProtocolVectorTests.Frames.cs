using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Tests.Protocol;

namespace Tern.Engine.Tests.Vectors;

/// <summary>fetch-frames.json (docs/PROTOCOL.md §8.2–8.3).</summary>
public sealed partial class ProtocolVectorTests
{
    [Fact]
    public void Fetch_frames_encode_from_their_fields()
    {
        var vector = VectorDocument.Load("fetch-frames.json");
        var preface = new ArrayBufferWriter<byte>();
        FrameWriter.WritePreface(preface);
        Assert.Equal(vector["preface"].Hex(), preface.WrittenSpan.ToArray());
        Assert.Equal(vector["preface"].Hex(), "TERN/1\r\n"u8.ToArray());

        foreach (var entry in vector["frames"].Array())
        {
            var header = entry!["header"]!;
            var fields = entry["fields"]!;
            var output = new ArrayBufferWriter<byte>();
            var written = WriteFrame(output, entry["name"].Text(), header, fields);
            var name = entry["name"].Text();

            Assert.True(entry["frame"].Hex().AsSpan().SequenceEqual(output.WrittenSpan), $"{name}: FrameWriter wrote {Convert.ToHexStringLower(output.WrittenSpan)}");
            Assert.Equal(output.WrittenCount, written);
            var payload = SpecLayout.FramePayload(header["type"].Int32(), fields);
            Assert.Equal(entry["payload"].Hex(), payload);
            Assert.Equal(header["length"].Int64(), payload.Length);
            Assert.Equal(entry["frame"].Hex(), SpecLayout.Frame(header, payload));
        }
    }

    [Fact]
    public void Fetch_frames_decode_to_their_fields_whole_and_one_byte_at_a_time()
    {
        var vector = VectorDocument.Load("fetch-frames.json");
        var frames = vector["frames"].Array();
        byte[] connection = [.. vector["preface"].Hex(), .. frames.SelectMany(f => f!["frame"].Hex())];

        foreach (var input in new[] { new ReadOnlySequence<byte>(connection), FetchTestBuffers.OneBytePerSegment(connection) })
        {
            SequencePosition consumed = input.Start, examined = input.End;
            Assert.True(FramePreface.TryRead(input, ref consumed, ref examined, out var prefaceError), prefaceError.ToString());
            var parsed = FetchTestBuffers.ParseAll(FrameReader.Default, input.Slice(consumed), out var error, out var consumedBytes);

            Assert.Equal(FrameError.None, error);
            Assert.Equal(connection.Length - FramePreface.Size, consumedBytes);
            Assert.Equal(frames.Count, parsed.Count);
            for (var i = 0; i < frames.Count; i++)
            {
                AssertFrame(frames[i]!, parsed[i].Header, parsed[i].Payload);
            }
        }
    }

    private static int WriteFrame(IBufferWriter<byte> output, string name, JsonNode header, JsonNode fields)
    {
        var stream = (uint)header["stream"].Int64();
        var flags = (FrameFlags)header["flags"].Int32();
        var endStream = (flags & FrameFlags.EndStream) != 0;
        return (FrameType)header["type"].Int32() switch
        {
            FrameType.Fetch => FrameWriter.WriteFetch(output, stream,
                new FetchRequest(new FetchCapability(fields["capability"].Hex()), fields["offset"].UInt64(), fields["length"].UInt64()),
                head: (flags & FrameFlags.Head) != 0),
            FrameType.Meta when (MetaStatus)fields["status"].Int32() != MetaStatus.Ok
                => FrameWriter.WriteMeta(output, stream, FetchMeta.Failure((MetaStatus)fields["status"].Int32()), endStream),
            FrameType.Meta => FrameWriter.WriteMeta(output, stream,
                new FetchMeta(fields["total_size"].Int64(), new Bytes32(fields["payload_hash"].Hex()), fields["transit_expiry"].Int64(),
                    fields["offset"].Int64(), fields["length"].Int64(), fields["mime_hint"].Ascii()),
                endStream),
            FrameType.Data => FrameWriter.WriteData(output, stream, fields["data"].Hex(), endStream),
            FrameType.Cancel => FrameWriter.WriteCancel(output, stream),
            FrameType.GoAway => FrameWriter.WriteGoAway(output, new GoAway((GoAwayCode)fields["code"].Int32(), Encoding.UTF8.GetBytes(fields["reason"].Text()))),
            FrameType.DescriptorRequest => FrameWriter.WriteDescriptorRequest(output),
            FrameType.Descriptor => FrameWriter.WriteDescriptor(output, Encoding.UTF8.GetBytes(fields["document"].Text())),
            FrameType.Ping => FrameWriter.WritePing(output, BinaryPrimitives.ReadUInt64BigEndian(fields["data"].Hex())),
            FrameType.Pong => FrameWriter.WritePong(output, BinaryPrimitives.ReadUInt64BigEndian(fields["data"].Hex())),
            var type => throw new InvalidDataException($"{name}: frame type {type} is not in v1."),
        };
    }

    private static void AssertFrame(JsonNode entry, FrameHeader header, byte[] payload)
    {
        var name = entry["name"].Text();
        var expected = entry["header"]!;
        var fields = entry["fields"]!;
        Assert.Equal(new FrameHeader((uint)expected["length"].Int64(), (uint)expected["stream"].Int64(), (FrameType)expected["type"].Int32(), (FrameFlags)expected["flags"].Int32()), header);
        Assert.Equal(entry["payload"].Hex(), payload);

        switch (header.Type)
        {
            case FrameType.Fetch:
                Assert.True(FetchRequest.TryRead(payload, out var request, out var fetchError), $"{name}: {fetchError}");
                Assert.Equal(new FetchRequest(new FetchCapability(fields["capability"].Hex()), fields["offset"].UInt64(), fields["length"].UInt64()), request);
                break;
            case FrameType.Meta:
                Assert.True(FetchMeta.TryRead(payload, out var meta, out var metaError), $"{name}: {metaError}");
                Assert.Equal((MetaStatus)fields["status"].Int32(), meta.Status);
                if (meta.Status == MetaStatus.Ok)
                {
                    Assert.Equal(fields["total_size"].Int64(), meta.TotalSize);
                    Assert.Equal(new Bytes32(fields["payload_hash"].Hex()), meta.PayloadHash);
                    Assert.Equal(fields["transit_expiry"].Int64(), meta.TransitExpiryMs);
                    Assert.Equal(fields["offset"].Int64(), meta.Offset);
                    Assert.Equal(fields["length"].Int64(), meta.Length);
                    Assert.Equal(fields["mime_hint"].Ascii(), meta.MimeHint.ToArray());
                }
                else
                {
                    // §8.3: a meta other than ok ends its stream.
                    Assert.Equal(FrameFlags.EndStream, header.Flags & FrameFlags.EndStream);
                }

                break;
            case FrameType.Data:
            case FrameType.Ping:
            case FrameType.Pong:
                Assert.Equal(fields["data"].Hex(), payload);
                break;
            case FrameType.GoAway:
                Assert.True(GoAway.TryRead(payload, out var goAway, out var goAwayError), $"{name}: {goAwayError}");
                Assert.Equal((GoAwayCode)fields["code"].Int32(), goAway.Code);
                Assert.Equal(fields["reason"].Text(), Encoding.UTF8.GetString(goAway.Reason));
                break;
            case FrameType.Descriptor:
                Assert.Equal(fields["document"].Text(), Encoding.UTF8.GetString(payload));
                Assert.Equal(VectorDocument.Load("descriptor.json")["document"].Text(), fields["document"].Text());
                break;
            case FrameType.Cancel:
            case FrameType.DescriptorRequest:
                Assert.Empty(payload);
                break;
            default:
                Assert.Fail($"{name}: frame type {header.Type} is not in v1");
                break;
        }

        if (header.Type is FrameType.Ping or FrameType.Pong)
        {
            var frame = new Frame(header, new ReadOnlySequence<byte>(payload));
            Assert.True(frame.TryGetPingData(out var data));
            Assert.Equal(BinaryPrimitives.ReadUInt64BigEndian(fields["data"].Hex()), data);
        }
    }
}
