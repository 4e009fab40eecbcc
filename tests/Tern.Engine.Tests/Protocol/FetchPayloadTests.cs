using System.Buffers;
using System.Buffers.Binary;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;

namespace Tern.Engine.Tests.Protocol;

public sealed class FetchPayloadTests
{
    private static readonly Bytes32 Hash = Bytes32.Parse("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");

    [Fact]
    public void Frame_header_round_trips_big_endian()
    {
        var header = new FrameHeader(0x01020304, 0x0A0B0C0D, FrameType.Meta, FrameFlags.EndStream);
        var bytes = new byte[FrameHeader.Size];
        header.Write(bytes);

        Assert.Equal([1, 2, 3, 4, 0x0A, 0x0B, 0x0C, 0x0D, 0x02, 0x01], bytes);
        Assert.True(FrameHeader.TryRead(bytes, out var read));
        Assert.Equal(header, read);
        Assert.False(FrameHeader.TryRead(bytes.AsSpan(0, 9), out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => header.Write(new byte[9]));
    }

    [Fact]
    public void Fetch_request_round_trips_with_its_exact_layout()
    {
        var capability = new FetchCapability(Hash);
        var request = new FetchRequest(capability, 0x0102030405060708, FetchRequest.ToEnd);
        var bytes = new byte[FetchRequest.Size];

        Assert.Equal(48, request.Write(bytes));
        Assert.Equal(Hash.ToArray(), bytes[..32]);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8], bytes[32..40]);
        Assert.All(bytes[40..], b => Assert.Equal(0xFF, b));
        Assert.True(FetchRequest.TryRead(bytes, out var read, out var error));
        Assert.Equal(FrameError.None, error);
        Assert.Equal(request, read);
        Assert.True(read.IsToEnd);
        Assert.True(new FetchRequest(capability).IsToEnd);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(47)]
    [InlineData(49)]
    public void Fetch_request_of_wrong_size_is_refused(int length)
    {
        Assert.False(FetchRequest.TryRead(new byte[length], out _, out var error));
        Assert.Equal(FrameError.BadPayloadSize, error);
    }

    [Fact]
    public void Ok_meta_round_trips_with_its_exact_layout()
    {
        var meta = new FetchMeta(5000, Hash, 1_700_000_000_123, 100, 4900, "application/pdf"u8);
        var bytes = new byte[meta.EncodedLength];

        Assert.Equal(FetchMeta.OkMinSize + 15, meta.Write(bytes));
        Assert.Equal(0, bytes[0]);
        Assert.Equal(5000L, BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1)));
        Assert.Equal(Hash.ToArray(), bytes[9..41]);
        Assert.Equal(1_700_000_000_123L, BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(41)));
        Assert.Equal(100L, BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(49)));
        Assert.Equal(4900L, BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(57)));
        Assert.Equal(15, bytes[65]);

        Assert.True(FetchMeta.TryRead(bytes, out var read, out var error));
        Assert.Equal(FrameError.None, error);
        Assert.Equal(MetaStatus.Ok, read.Status);
        Assert.Equal((5000L, 1_700_000_000_123L, 100L, 4900L), (read.TotalSize, read.TransitExpiryMs, read.Offset, read.Length));
        Assert.Equal(Hash, read.PayloadHash);
        Assert.Equal("application/pdf"u8, read.MimeHint);
    }

    [Fact]
    public void Ok_meta_of_an_empty_blob_without_hint_is_the_minimum()
    {
        var meta = new FetchMeta(0, Hash, 1, 0, 0, default);
        var bytes = new byte[FetchMeta.OkMinSize];
        Assert.Equal(66, meta.Write(bytes));
        Assert.True(FetchMeta.TryRead(bytes, out var read, out _));
        Assert.True(read.MimeHint.IsEmpty);
    }

    [Theory]
    [InlineData(MetaStatus.NotFound)]
    [InlineData(MetaStatus.RangeNotSatisfiable)]
    [InlineData(MetaStatus.Busy)]
    [InlineData(MetaStatus.BadRequest)]
    public void Failure_meta_is_the_status_byte_alone(MetaStatus status)
    {
        var bytes = new byte[1];
        Assert.Equal(1, FetchMeta.Failure(status).Write(bytes));
        Assert.Equal((byte)status, bytes[0]);
        Assert.True(FetchMeta.TryRead(bytes, out var read, out _));
        Assert.Equal(status, read.Status);

        Assert.False(FetchMeta.TryRead([(byte)status, 0], out _, out var error));
        Assert.Equal(FrameError.BadPayloadSize, error);
    }

    [Fact]
    public void Meta_refusals_name_their_reason()
    {
        Assert.Equal(FrameError.BadPayloadSize, MetaError([]));
        Assert.Equal(FrameError.UnknownStatus, MetaError([5]));
        Assert.Equal(FrameError.UnknownStatus, MetaError([0xFF]));
        Assert.Equal(FrameError.BadPayloadSize, MetaError([0]));

        var valid = OkMeta(total: 10, offset: 2, length: 8, mime: "a/b"u8);
        Assert.Equal(FrameError.None, MetaError(valid));
        Assert.Equal(FrameError.BadPayloadSize, MetaError(valid[..^1]));
        Assert.Equal(FrameError.BadPayloadSize, MetaError([.. valid, 0x61]));

        var wrongHintLength = (byte[])valid.Clone();
        wrongHintLength[65] = 4;
        Assert.Equal(FrameError.BadPayloadSize, MetaError(wrongHintLength));

        Assert.Equal(FrameError.BadMimeHint, MetaError(OkMeta(10, 0, 10, "a\nb"u8)));
        Assert.Equal(FrameError.BadMimeHint, MetaError(OkMeta(10, 0, 10, [0x61, 0x7F])));
        Assert.Equal(FrameError.BadMimeHint, MetaError(OkMeta(10, 0, 10, new byte[128].Select(_ => (byte)'x').ToArray())));
        Assert.Equal(FrameError.None, MetaError(OkMeta(10, 0, 10, new byte[127].Select(_ => (byte)'x').ToArray())));

        Assert.Equal(FrameError.BadRange, MetaError(OkMeta(10, 11, 0, default)));
        Assert.Equal(FrameError.BadRange, MetaError(OkMeta(10, 5, 6, default)));
        Assert.Equal(FrameError.BadRange, MetaError(OkMeta(10, 5, long.MaxValue, default)));
        Assert.Equal(FrameError.None, MetaError(OkMeta(10, 10, 0, default)));

        var hugeTotal = OkMeta(10, 0, 10, default);
        hugeTotal[1] = 0x80;
        Assert.Equal(FrameError.BadRange, MetaError(hugeTotal));
        var hugeExpiry = OkMeta(10, 0, 10, default);
        hugeExpiry[41] = 0x80;
        Assert.Equal(FrameError.BadRange, MetaError(hugeExpiry));
    }

    [Fact]
    public void Invalid_meta_is_never_written()
    {
        Assert.Throws<ArgumentException>(() => new FetchMeta(10, Hash, 1, 5, 6, default).Write(new byte[FetchMeta.MaxSize]));
        Assert.Throws<ArgumentException>(() => new FetchMeta(10, Hash, 1, 0, 10, "\t"u8).Write(new byte[FetchMeta.MaxSize]));
        Assert.Throws<ArgumentOutOfRangeException>(() => FetchMeta.Failure(MetaStatus.Ok));
        Assert.Throws<ArgumentOutOfRangeException>(() => FetchMeta.Failure((MetaStatus)9));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FetchMeta(10, Hash, 1, 0, 10, "x"u8).Write(new byte[FetchMeta.OkMinSize]));
        Assert.False(new FetchMeta(-1, Hash, 1, 0, 0, default).IsValid);
    }

    [Fact]
    public void Goaway_round_trips_and_checks_its_reason()
    {
        var bytes = new byte[GoAway.MaxSize];
        var written = new GoAway(GoAwayCode.TooManyStreams, "trop de flux — 64 max"u8).Write(bytes);
        Assert.True(GoAway.TryRead(bytes.AsSpan(0, written).ToArray(), out var read, out var error));
        Assert.Equal(FrameError.None, error);
        Assert.Equal(GoAwayCode.TooManyStreams, read.Code);
        Assert.Equal("trop de flux — 64 max"u8, read.Reason);

        Assert.True(GoAway.TryRead([0], out var empty, out _));
        Assert.True(empty.Reason.IsEmpty);

        var longest = new byte[GoAway.MaxSize];
        longest.AsSpan(1).Fill((byte)'r');
        Assert.True(GoAway.TryRead(longest, out _, out _));

        Assert.Equal(FrameError.BadPayloadSize, GoAwayError([]));
        Assert.Equal(FrameError.BadPayloadSize, GoAwayError(new byte[GoAway.MaxSize + 1]));
        Assert.Equal(FrameError.UnknownGoAwayCode, GoAwayError([5]));
        Assert.Equal(FrameError.BadReason, GoAwayError([1, 0xFF]));
        Assert.Equal(FrameError.BadReason, GoAwayError([1, 0xE2, 0x80])); // truncated three-byte sequence

        Assert.Throws<ArgumentException>(() => new GoAway((GoAwayCode)7, default).Write(bytes));
        Assert.Throws<ArgumentException>(() => new GoAway(GoAwayCode.Normal, new byte[257]).Write(new byte[300]));
    }

    [Fact]
    public void Goaway_for_a_reader_error_carries_its_code_and_reason()
    {
        var output = new ArrayBufferWriter<byte>();
        FrameWriter.WriteGoAway(output, FrameError.FrameTooLarge);
        var frames = FetchTestBuffers.ParseAll(FrameReader.Default, new ReadOnlySequence<byte>(output.WrittenSpan.ToArray()), out _, out _);
        var (header, payload) = Assert.Single(frames);
        Assert.Equal(new FrameHeader((uint)payload.Length, 0, FrameType.GoAway, FrameFlags.None), header);
        Assert.True(GoAway.TryRead(payload, out var goAway, out _));
        Assert.Equal(GoAwayCode.FrameTooLarge, goAway.Code);
        Assert.Equal("frame too large"u8, goAway.Reason);

        foreach (var error in Enum.GetValues<FrameError>())
        {
            Assert.True(new GoAway(error.ToGoAwayCode(), error.ToReason()).IsValid);
        }
    }

    [Fact]
    public void Writer_refuses_frames_the_peer_must_reject()
    {
        var output = new ArrayBufferWriter<byte>();
        var request = new FetchRequest(new FetchCapability(Hash));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameWriter.WriteFetch(output, 0, request));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameWriter.WriteCancel(output, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameWriter.WriteMeta(output, 0, FetchMeta.Failure(MetaStatus.Busy), false));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameWriter.WriteData(output, 1, new byte[FrameLimits.MaxDataPayloadSize + 1], false));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameWriter.WriteData(output, 0, "x"u8, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameWriter.WriteDescriptor(output, new byte[FrameLimits.MaxDescriptorPayloadSize + 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => FrameWriter.WriteDescriptor(output, default));
        Assert.Throws<ArgumentException>(() => FrameWriter.WriteMeta(output, 1, new FetchMeta(1, Hash, 1, 2, 0, default), true));
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void Data_from_a_sequence_equals_data_from_a_span()
    {
        var blob = new byte[FrameLimits.MaxDataPayloadSize];
        new Random(7).NextBytes(blob);
        var fromSpan = new ArrayBufferWriter<byte>();
        var fromSequence = new ArrayBufferWriter<byte>();

        Assert.Equal(FrameHeader.Size + blob.Length, FrameWriter.WriteData(fromSpan, 3, blob, endStream: true));
        Assert.Equal(FrameHeader.Size + blob.Length, FrameWriter.WriteData(fromSequence, 3, FetchTestBuffers.Split(blob, 1, 1000, 40000), endStream: true));
        Assert.Equal(fromSpan.WrittenSpan.ToArray(), fromSequence.WrittenSpan.ToArray());

        var frame = Assert.Single(FetchTestBuffers.ParseAll(FrameReader.Default, new ReadOnlySequence<byte>(fromSpan.WrittenMemory), out _, out _));
        Assert.Equal(new FrameHeader((uint)blob.Length, 3, FrameType.Data, FrameFlags.EndStream), frame.Header);
        Assert.Equal(blob, frame.Payload);
    }

    [Fact]
    public void Parsing_and_writing_frames_does_not_allocate()
    {
        var output = new ArrayBufferWriter<byte>(4096);
        var request = new FetchRequest(new FetchCapability(Hash), 0, 100);
        // Windows of 1000 rounds (the first warms up the JIT): an allocation a round would show in each, a one-off of the
        // runtime's in one.
        Assert.Equal(0, Allocations.FewestOf(3, () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                output.ResetWrittenCount();
                FrameWriter.WriteFetch(output, 1, request);
                FrameWriter.WriteMeta(output, 1, new FetchMeta(100, Hash, 1, 0, 100, "text/plain"u8), false);
                FrameWriter.WriteData(output, 1, "payload"u8, true);
                FrameWriter.WriteGoAway(output, FrameError.BadFlags);
                ReadAll(new ReadOnlySequence<byte>(output.WrittenMemory));
            }
        }));
    }

    private static void ReadAll(ReadOnlySequence<byte> input)
    {
        Span<byte> scratch = stackalloc byte[FrameLimits.MaxControlPayloadSize];
        SequencePosition consumed = input.Start, examined = input.End;
        while (FrameReader.Default.TryParse(input, ref consumed, ref examined, out var frame, out _))
        {
            var payload = frame.GetPayloadSpan(scratch);
            _ = frame.Type switch
            {
                FrameType.Fetch => FetchRequest.TryRead(payload, out _, out _),
                FrameType.Meta => FetchMeta.TryRead(payload, out _, out _),
                FrameType.GoAway => GoAway.TryRead(payload, out _, out _),
                _ => true,
            };
            input = input.Slice(consumed);
        }
    }

    private static byte[] OkMeta(long total, long offset, long length, ReadOnlySpan<byte> mime)
    {
        var bytes = new byte[FetchMeta.OkMinSize + mime.Length];
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1), total);
        Hash.CopyTo(bytes.AsSpan(9));
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(41), 1_700_000_000_000);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(49), offset);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(57), length);
        bytes[65] = (byte)mime.Length;
        mime.CopyTo(bytes.AsSpan(66));
        return bytes;
    }

    private static FrameError MetaError(byte[] payload)
    {
        var ok = FetchMeta.TryRead(payload, out _, out var error);
        Assert.Equal(ok, error == FrameError.None);
        return error;
    }

    private static FrameError GoAwayError(byte[] payload)
    {
        var ok = GoAway.TryRead(payload, out _, out var error);
        Assert.Equal(ok, error == FrameError.None);
        return error;
    }
}
