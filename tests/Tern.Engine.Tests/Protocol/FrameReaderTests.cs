using System.Buffers;
using System.Buffers.Binary;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;

namespace Tern.Engine.Tests.Protocol;

public sealed class FrameReaderTests
{
    private static readonly FetchCapability Capability = new(Bytes32.Parse("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"));

    /// <summary>One frame of every type, written by <see cref="FrameWriter"/>.</summary>
    private static byte[] EveryFrameType()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteFetch(output, 1, new FetchRequest(Capability, 10, FetchRequest.ToEnd), head: true);
        FrameWriter.WriteMeta(output, 1, new FetchMeta(1000, new Bytes32(new byte[32]), 1_700_000_000_000, 10, 990, "text/plain"u8), endStream: false);
        FrameWriter.WriteData(output, 1, "hello"u8, endStream: false);
        FrameWriter.WriteData(output, 1, ReadOnlySpan<byte>.Empty, endStream: true);
        FrameWriter.WriteMeta(output, 3, FetchMeta.Failure(MetaStatus.NotFound), endStream: false);
        FrameWriter.WriteCancel(output, 5);
        FrameWriter.WriteDescriptorRequest(output);
        FrameWriter.WriteDescriptor(output, "{\"signed\":true}"u8);
        FrameWriter.WritePing(output, 0x0102030405060708);
        FrameWriter.WritePong(output, 0x0102030405060708);
        FrameWriter.WriteGoAway(output, new GoAway(GoAwayCode.Normal, "bye"u8));
        return output.WrittenSpan.ToArray();
    }

    [Fact]
    public void Every_frame_type_round_trips_through_writer_and_reader()
    {
        var frames = FetchTestBuffers.ParseAll(FrameReader.Default, new ReadOnlySequence<byte>(EveryFrameType()), out var error, out _);

        Assert.Equal(FrameError.None, error);
        Assert.Equal(
            [FrameType.Fetch, FrameType.Meta, FrameType.Data, FrameType.Data, FrameType.Meta, FrameType.Cancel, FrameType.DescriptorRequest,
             FrameType.Descriptor, FrameType.Ping, FrameType.Pong, FrameType.GoAway],
            frames.Select(f => f.Header.Type));

        Assert.True(FetchRequest.TryRead(frames[0].Payload, out var request, out _));
        Assert.Equal(new FetchRequest(Capability, 10, FetchRequest.ToEnd), request);
        Assert.Equal(new FrameHeader(48, 1, FrameType.Fetch, FrameFlags.Head), frames[0].Header);

        Assert.True(FetchMeta.TryRead(frames[1].Payload, out var meta, out _));
        Assert.Equal((1000L, 10L, 990L, 1_700_000_000_000L), (meta.TotalSize, meta.Offset, meta.Length, meta.TransitExpiryMs));
        Assert.Equal("text/plain"u8, meta.MimeHint);
        Assert.Equal(FrameFlags.None, frames[1].Header.Flags);

        Assert.Equal("hello"u8.ToArray(), frames[2].Payload);
        Assert.Equal(new FrameHeader(0, 1, FrameType.Data, FrameFlags.EndStream), frames[3].Header);

        // A failure meta carries end_stream even when the caller did not ask for it.
        Assert.Equal(new FrameHeader(1, 3, FrameType.Meta, FrameFlags.EndStream), frames[4].Header);
        Assert.Equal(new FrameHeader(0, 5, FrameType.Cancel, FrameFlags.None), frames[5].Header);
        Assert.Equal(new FrameHeader(0, 0, FrameType.DescriptorRequest, FrameFlags.None), frames[6].Header);
        Assert.Equal("{\"signed\":true}"u8.ToArray(), frames[7].Payload);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], frames[8].Payload);
        Assert.Equal(frames[8].Payload, frames[9].Payload);

        Assert.True(GoAway.TryRead(frames[10].Payload, out var goAway, out _));
        Assert.Equal(GoAwayCode.Normal, goAway.Code);
        Assert.Equal("bye"u8, goAway.Reason);
    }

    [Fact]
    public void Frames_fed_one_byte_at_a_time_appear_exactly_when_complete()
    {
        var all = EveryFrameType();
        var expected = FetchTestBuffers.ParseAll(FrameReader.Default, new ReadOnlySequence<byte>(all), out _, out _);
        var frameEnds = new List<int>();
        var offset = 0;
        foreach (var (header, _) in expected)
        {
            offset += FrameHeader.Size + (int)header.Length;
            frameEnds.Add(offset);
        }

        // A pipe: bytes arrive one at a time; the reader sees everything not yet consumed, one segment per byte.
        var start = 0;
        var seen = new List<(FrameHeader, byte[])>();
        for (var arrived = 1; arrived <= all.Length; arrived++)
        {
            var input = FetchTestBuffers.OneBytePerSegment(all.AsSpan(start, arrived - start));
            var frames = FetchTestBuffers.ParseAll(FrameReader.Default, input, out var error, out var consumed);
            Assert.Equal(FrameError.None, error);
            seen.AddRange(frames);
            start += (int)consumed;
            Assert.Equal(frameEnds.Count(end => end <= arrived), seen.Count);
        }

        Assert.Equal(all.Length, start);
        Assert.Equal(expected.Count, seen.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Header, seen[i].Item1);
            Assert.Equal(expected[i].Payload, seen[i].Item2);
        }
    }

    [Fact]
    public void Every_split_point_gives_the_same_frames()
    {
        var all = EveryFrameType();
        var expected = FetchTestBuffers.ParseAll(FrameReader.Default, new ReadOnlySequence<byte>(all), out _, out _);
        for (var cut = 0; cut <= all.Length; cut++)
        {
            var frames = FetchTestBuffers.ParseAll(FrameReader.Default, FetchTestBuffers.Split(all, cut, cut), out var error, out var consumed);
            Assert.Equal(FrameError.None, error);
            Assert.Equal(all.Length, consumed);
            Assert.Equal(expected.Select(f => f.Header), frames.Select(f => f.Header));
            Assert.Equal(expected.Select(f => f.Payload), frames.Select(f => f.Payload));
        }
    }

    [Fact]
    public void Payload_is_a_slice_of_the_input_not_a_copy()
    {
        var bytes = new byte[FrameHeader.Size + 5];
        new FrameHeader(5, 1, FrameType.Data, FrameFlags.None).Write(bytes);
        var input = new ReadOnlySequence<byte>(bytes);
        SequencePosition consumed = input.Start, examined = input.End;

        Assert.True(FrameReader.Default.TryParse(input, ref consumed, ref examined, out var frame, out _));
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(frame.Payload.First, out var segment));
        Assert.Same(bytes, segment.Array);
        Assert.Equal(FrameHeader.Size, segment.Offset);
    }

    [Fact]
    public void Oversized_frame_is_refused_from_the_header_alone()
    {
        var header = Header(FrameLimits.MaxPayloadSize + 1, 1, FrameType.Data);
        Assert.Equal(FrameError.FrameTooLarge, ParseError(FrameReader.Default, header));

        Assert.Equal(FrameError.FrameTooLarge, ParseError(FrameReader.Default, Header(uint.MaxValue, 0, FrameType.Descriptor)));
        Assert.Equal(FrameError.FrameTooLarge, ParseError(FrameReader.Default, Header(uint.MaxValue, 7, (FrameType)0xEE, 0xFF)));
        Assert.Equal(GoAwayCode.FrameTooLarge, FrameError.FrameTooLarge.ToGoAwayCode());
    }

    [Fact]
    public void A_lower_configured_maximum_applies()
    {
        var reader = new FrameReader(maxPayloadSize: 4096);
        Assert.Equal(4096, reader.MaxPayloadSize);
        Assert.Equal(FrameError.FrameTooLarge, ParseError(reader, Header(4097, 1, FrameType.Data)));

        var exact = new byte[FrameHeader.Size + 4096];
        new FrameHeader(4096, 1, FrameType.Data, FrameFlags.None).Write(exact);
        Assert.Single(FetchTestBuffers.ParseAll(reader, new ReadOnlySequence<byte>(exact), out var error, out _));
        Assert.Equal(FrameError.None, error);
    }

    [Theory]
    [InlineData(FrameLimits.MaxPayloadSize + 1)]
    [InlineData(FrameLimits.MaxControlPayloadSize - 1)]
    [InlineData(0)]
    public void Maximum_outside_the_protocol_range_is_refused(int maximum)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new FrameReader(maximum));

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x0D)] // the first type after the key lookup's user_keys_request and user_keys (§14.4)
    [InlineData(0x10)] // reserved for gateway custody transfer: unknown to v1
    [InlineData(0x1F)]
    [InlineData(0xFF)]
    public void Unknown_type_is_refused(byte type)
    {
        Assert.Equal(FrameError.UnknownType, ParseError(FrameReader.Default, Header(0, 0, (FrameType)type)));
        Assert.Equal(FrameError.UnknownType, ParseError(FrameReader.Default, Header(0, 1, (FrameType)type)));
        Assert.Equal(GoAwayCode.ProtocolError, FrameError.UnknownType.ToGoAwayCode());
    }

    [Theory]
    [InlineData(FrameType.Fetch, 47)]
    [InlineData(FrameType.Fetch, 49)]
    [InlineData(FrameType.Fetch, 0)]
    [InlineData(FrameType.Meta, 0)]
    [InlineData(FrameType.Meta, FetchMeta.MaxSize + 1)]
    [InlineData(FrameType.Data, FrameLimits.MaxDataPayloadSize + 1)]
    [InlineData(FrameType.Data, FrameLimits.MaxPayloadSize)]
    [InlineData(FrameType.Cancel, 1)]
    [InlineData(FrameType.GoAway, 0)]
    [InlineData(FrameType.GoAway, GoAway.MaxSize + 1)]
    [InlineData(FrameType.DescriptorRequest, 1)]
    [InlineData(FrameType.Descriptor, 0)]
    [InlineData(FrameType.Descriptor, FrameLimits.MaxDescriptorPayloadSize + 1)]
    [InlineData(FrameType.Ping, 7)]
    [InlineData(FrameType.Ping, 9)]
    [InlineData(FrameType.Pong, 0)]
    [InlineData(FrameType.Proof, 0)]
    [InlineData(FrameType.Proof, 31)]
    [InlineData(FrameType.Proof, 33)]
    [InlineData(FrameType.Proof, FrameLimits.MaxProofPayloadSize + 32)]
    public void Wrong_payload_size_for_the_type_is_refused_before_the_payload_arrives(FrameType type, int length)
    {
        var stream = type is FrameType.Fetch or FrameType.Meta or FrameType.Data or FrameType.Cancel or FrameType.Proof ? 1u : 0u;
        Assert.Equal(FrameError.BadPayloadSize, ParseError(FrameReader.Default, Header((uint)length, stream, type)));
    }

    [Theory]
    [InlineData(FrameType.Fetch, 0u)]
    [InlineData(FrameType.Meta, 0u)]
    [InlineData(FrameType.Data, 0u)]
    [InlineData(FrameType.Cancel, 0u)]
    [InlineData(FrameType.GoAway, 1u)]
    [InlineData(FrameType.DescriptorRequest, 2u)]
    [InlineData(FrameType.Descriptor, 3u)]
    [InlineData(FrameType.Ping, 0x80000000u)]
    [InlineData(FrameType.Pong, uint.MaxValue)]
    public void Frame_on_the_wrong_kind_of_stream_is_refused(FrameType type, uint stream)
    {
        var length = ValidLength(type);
        Assert.Equal(FrameError.BadStreamId, ParseError(FrameReader.Default, Header(length, stream, type)));

        // The QUIC door carries streams itself and ignores the field (§8.4).
        var quic = new FrameReader(checkStreamIds: false);
        var frame = new byte[FrameHeader.Size + length];
        Header(length, stream, type).CopyTo(frame, 0);
        if (type == FrameType.Meta)
        {
            frame[FrameHeader.Size] = (byte)MetaStatus.Busy;
        }

        Assert.Single(FetchTestBuffers.ParseAll(quic, new ReadOnlySequence<byte>(frame), out var error, out _));
        Assert.Equal(FrameError.None, error);
    }

    [Theory]
    [InlineData(FrameType.Data, 0x04)]
    [InlineData(FrameType.Data, 0x80)]
    [InlineData(FrameType.Data, (byte)FrameFlags.Head)]
    [InlineData(FrameType.Meta, (byte)FrameFlags.Head)]
    [InlineData(FrameType.Fetch, 0x08)]
    [InlineData(FrameType.Proof, (byte)FrameFlags.Proof)]
    [InlineData(FrameType.Ping, (byte)FrameFlags.Head)]
    public void Undefined_flags_are_refused(FrameType type, byte flags)
    {
        var stream = type is FrameType.Fetch or FrameType.Meta or FrameType.Data or FrameType.Proof ? 1u : 0u;
        Assert.Equal(FrameError.BadFlags, ParseError(FrameReader.Default, Header(ValidLength(type), stream, type, flags)));
    }

    [Fact]
    public void Incomplete_header_or_payload_asks_for_more_without_consuming()
    {
        var all = EveryFrameType();
        for (var length = 0; length < FrameHeader.Size + FetchRequest.Size; length++)
        {
            var input = new ReadOnlySequence<byte>(all, 0, length);
            SequencePosition consumed = default, examined = default;
            Assert.False(FrameReader.Default.TryParse(input, ref consumed, ref examined, out _, out var error));
            Assert.Equal(FrameError.None, error);
            Assert.Equal(input.Start, consumed);
            Assert.Equal(input.End, examined);
        }
    }

    [Fact]
    public void Multi_segment_control_payload_is_copied_into_scratch()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteFetch(output, 9, new FetchRequest(Capability, 1, 2));
        var input = FetchTestBuffers.OneBytePerSegment(output.WrittenSpan);
        SequencePosition consumed = input.Start, examined = input.End;
        Assert.True(FrameReader.Default.TryParse(input, ref consumed, ref examined, out var frame, out _));

        Span<byte> scratch = stackalloc byte[FrameLimits.MaxControlPayloadSize];
        Assert.True(FetchRequest.TryRead(frame.GetPayloadSpan(scratch), out var request, out _));
        Assert.Equal(new FetchRequest(Capability, 1, 2), request);
        Assert.False(frame.IsHead);
        Assert.False(frame.TryGetPingData(out _));
    }

    [Fact]
    public void Ping_data_survives_the_echo()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WritePing(output, 0xDEADBEEF_01020304);
        var input = FetchTestBuffers.OneBytePerSegment(output.WrittenSpan);
        SequencePosition consumed = input.Start, examined = input.End;
        Assert.True(FrameReader.Default.TryParse(input, ref consumed, ref examined, out var frame, out _));
        Assert.True(frame.TryGetPingData(out var data));
        Assert.Equal(0xDEADBEEF_01020304, data);
    }

    [Fact]
    public void Preface_is_recognised_whole_split_and_followed_by_frames()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WritePreface(output);
        FrameWriter.WritePing(output, 1);
        var bytes = output.WrittenSpan.ToArray();
        Assert.Equal("TERN/1\r\n"u8.ToArray(), bytes[..8]);
        Assert.True(FramePreface.IsPreface(bytes.AsSpan(0, 8)));

        for (var length = 0; length < FramePreface.Size; length++)
        {
            var partial = FetchTestBuffers.OneBytePerSegment(bytes.AsSpan(0, length));
            SequencePosition c = default, e = default;
            Assert.False(FramePreface.TryRead(partial, ref c, ref e, out var error));
            Assert.Equal(FrameError.None, error);
            Assert.Equal(partial.Start, c);
            Assert.Equal(partial.End, e);
        }

        var input = FetchTestBuffers.OneBytePerSegment(bytes);
        SequencePosition consumed = default, examined = default;
        Assert.True(FramePreface.TryRead(input, ref consumed, ref examined, out _));
        Assert.Equal(8, input.Slice(0, consumed).Length);
        var frames = FetchTestBuffers.ParseAll(FrameReader.Default, input.Slice(consumed), out _, out _);
        Assert.Equal(FrameType.Ping, Assert.Single(frames).Header.Type);
    }

    [Theory]
    [InlineData("G")]
    [InlineData("TERN/2\r\n")]
    [InlineData("TERN/1\n")]
    [InlineData("tern/1\r\n")]
    [InlineData("GET / HTTP/1.1\r\n")]
    public void Wrong_preface_is_refused_at_the_first_differing_byte(string text)
    {
        var input = new ReadOnlySequence<byte>(System.Text.Encoding.ASCII.GetBytes(text));
        SequencePosition consumed = default, examined = default;
        Assert.False(FramePreface.TryRead(input, ref consumed, ref examined, out var error));
        Assert.Equal(FrameError.BadPreface, error);
        Assert.False(FramePreface.IsPreface(input.ToArray()));
    }

    private static uint ValidLength(FrameType type) => type switch
    {
        FrameType.Fetch => FetchRequest.Size,
        FrameType.Meta or FrameType.GoAway or FrameType.Descriptor => 1,
        FrameType.Ping or FrameType.Pong => 8,
        FrameType.Proof => 32,
        _ => 0,
    };

    private static byte[] Header(uint length, uint stream, FrameType type, byte flags = 0)
    {
        var bytes = new byte[FrameHeader.Size];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, length);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), stream);
        bytes[8] = (byte)type;
        bytes[9] = flags;
        return bytes;
    }

    /// <summary>Parses a header with no payload behind it: the error must not wait for the payload.</summary>
    private static FrameError ParseError(FrameReader reader, byte[] header)
    {
        var input = new ReadOnlySequence<byte>(header);
        SequencePosition consumed = default, examined = default;
        Assert.False(reader.TryParse(input, ref consumed, ref examined, out _, out var error));
        Assert.Equal(input.Start, consumed);
        return error;
    }
}
