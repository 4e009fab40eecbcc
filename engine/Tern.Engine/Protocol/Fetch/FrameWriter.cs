using System.Buffers;
using System.Buffers.Binary;

namespace Tern.Engine.Protocol.Fetch;

/// <summary>
/// Writes whole frames (header and payload) of the framed fetch door into an <see cref="IBufferWriter{T}"/>
/// (docs/PROTOCOL.md §8.2, §8.3), in the manner of NATS's <c>ProtocolWriter</c>: <c>GetSpan</c>, fill,
/// <c>Advance</c>, no allocation. Each method returns the bytes it wrote. Arguments that would make a frame
/// the peer must reject (stream 0 for a fetch, an oversized data frame, an invalid meta) throw: they are bugs
/// in the caller, not input.
/// </summary>
public static class FrameWriter
{
    /// <summary>Writes the 8-byte connection preface <c>TERN/1\r\n</c> (§8.2).</summary>
    public static int WritePreface(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(FramePreface.Bytes);
        return FramePreface.Size;
    }

    /// <summary>
    /// Writes a <c>fetch</c> frame (§8.3); <paramref name="head"/> asks for the metadata only, <paramref name="proof"/> for
    /// the range proof of the fetched chunks (§4.8) before the data.
    /// </summary>
    public static int WriteFetch(IBufferWriter<byte> output, uint streamId, in FetchRequest request, bool head = false, bool proof = false)
    {
        RequireStream(streamId);
        var flags = (head ? FrameFlags.Head : FrameFlags.None) | (proof ? FrameFlags.Proof : FrameFlags.None);
        var span = Begin(output, FetchRequest.Size, streamId, FrameType.Fetch, flags);
        request.Write(span[FrameHeader.Size..]);
        return Finish(output, FetchRequest.Size);
    }

    /// <summary>
    /// Writes a <c>meta</c> frame (§8.3). Set <paramref name="endStream"/> when answering a head fetch; a meta
    /// with a status other than ok always carries <c>end_stream</c>, as the spec requires.
    /// </summary>
    public static int WriteMeta(IBufferWriter<byte> output, uint streamId, FetchMeta meta, bool endStream)
    {
        RequireStream(streamId);
        var flags = endStream || meta.Status != MetaStatus.Ok ? FrameFlags.EndStream : FrameFlags.None;
        var length = meta.EncodedLength;
        var span = Begin(output, length, streamId, FrameType.Meta, flags);
        meta.Write(span[FrameHeader.Size..]);
        return Finish(output, length);
    }

    /// <summary>Writes a <c>data</c> frame of at most 64 KiB (§8.3, §12); the last one of a stream sets <paramref name="endStream"/>.</summary>
    public static int WriteData(IBufferWriter<byte> output, uint streamId, ReadOnlySpan<byte> data, bool endStream)
    {
        RequireStream(streamId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(data.Length, FrameLimits.MaxDataPayloadSize, nameof(data));
        WriteHeader(output, data.Length, streamId, FrameType.Data, endStream ? FrameFlags.EndStream : FrameFlags.None);
        output.Write(data);
        return FrameHeader.Size + data.Length;
    }

    /// <summary>Writes a <c>data</c> frame from a sequence (a slice of a pipe or a store's buffers) without flattening it.</summary>
    public static int WriteData(IBufferWriter<byte> output, uint streamId, in ReadOnlySequence<byte> data, bool endStream)
    {
        RequireStream(streamId);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(data.Length, FrameLimits.MaxDataPayloadSize, nameof(data));
        WriteHeader(output, (int)data.Length, streamId, FrameType.Data, endStream ? FrameFlags.EndStream : FrameFlags.None);
        foreach (var segment in data)
        {
            output.Write(segment.Span);
        }

        return FrameHeader.Size + (int)data.Length;
    }

    /// <summary>Writes an empty <c>cancel</c> frame (§8.3): stop sending this stream.</summary>
    public static int WriteCancel(IBufferWriter<byte> output, uint streamId)
    {
        RequireStream(streamId);
        WriteHeader(output, 0, streamId, FrameType.Cancel, FrameFlags.None);
        return FrameHeader.Size;
    }

    /// <summary>Writes a <c>goaway</c> frame on stream 0 (§8.3); the caller closes after flushing it.</summary>
    public static int WriteGoAway(IBufferWriter<byte> output, GoAway goAway)
    {
        var length = goAway.EncodedLength;
        if (!goAway.IsValid)
        {
            throw new ArgumentException("The goaway breaks docs/PROTOCOL.md §8.3 (unknown code, or a reason that is not UTF-8 of at most 256 bytes).", nameof(goAway));
        }

        var span = Begin(output, length, 0, FrameType.GoAway, FrameFlags.None);
        goAway.Write(span[FrameHeader.Size..]);
        return Finish(output, length);
    }

    /// <summary>Writes the <c>goaway</c> answering a protocol error found by <see cref="FrameReader"/> (§8.2).</summary>
    public static int WriteGoAway(IBufferWriter<byte> output, FrameError error)
        => WriteGoAway(output, new GoAway(error.ToGoAwayCode(), error.ToReason()));

    /// <summary>Writes an empty <c>descriptor_request</c> frame on stream 0 (§8.3).</summary>
    public static int WriteDescriptorRequest(IBufferWriter<byte> output)
    {
        WriteHeader(output, 0, 0, FrameType.DescriptorRequest, FrameFlags.None);
        return FrameHeader.Size;
    }

    /// <summary>Writes a <c>descriptor</c> frame on stream 0 carrying the signed descriptor document (§6.2, §8.3), 1 byte to 16 KiB.</summary>
    public static int WriteDescriptor(IBufferWriter<byte> output, ReadOnlySpan<byte> signedDocument)
    {
        ArgumentOutOfRangeException.ThrowIfZero(signedDocument.Length, nameof(signedDocument));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(signedDocument.Length, FrameLimits.MaxDescriptorPayloadSize, nameof(signedDocument));
        WriteHeader(output, signedDocument.Length, 0, FrameType.Descriptor, FrameFlags.None);
        output.Write(signedDocument);
        return FrameHeader.Size + signedDocument.Length;
    }

    /// <summary>Writes a <c>user_keys_request</c> frame on <paramref name="streamId"/>: a key lookup by address hash (§14.4).</summary>
    public static int WriteUserKeysRequest(IBufferWriter<byte> output, uint streamId, Bytes32 addressHash)
    {
        RequireStream(streamId);
        var span = Begin(output, Bytes32.Size, streamId, FrameType.UserKeysRequest, FrameFlags.None);
        addressHash.CopyTo(span[FrameHeader.Size..]);
        return Finish(output, Bytes32.Size);
    }

    /// <summary>
    /// Writes the <c>user_keys</c> frame that answers a lookup and ends its stream (§14.4): <paramref name="status"/>,
    /// then <paramref name="bundle"/> when the status is ok (empty otherwise).
    /// </summary>
    public static int WriteUserKeys(IBufferWriter<byte> output, uint streamId, MetaStatus status, ReadOnlySpan<byte> bundle)
    {
        RequireStream(streamId);
        if ((status == MetaStatus.Ok) == bundle.IsEmpty || bundle.Length > UserKeys.UserKeyBundle.MaxSize)
        {
            throw new ArgumentException("An ok user_keys frame carries a bundle of at most UserKeyBundle.MaxSize bytes; any other status carries nothing.", nameof(bundle));
        }

        var span = Begin(output, 1 + bundle.Length, streamId, FrameType.UserKeys, FrameFlags.EndStream);
        span[FrameHeader.Size] = (byte)status;
        bundle.CopyTo(span[(FrameHeader.Size + 1)..]);
        return Finish(output, 1 + bundle.Length);
    }

    /// <summary>Writes a <c>ping</c> frame on stream 0 with 8 opaque bytes (big-endian <paramref name="data"/>) (§8.3).</summary>
    public static int WritePing(IBufferWriter<byte> output, ulong data) => WritePingOrPong(output, FrameType.Ping, data);

    /// <summary>Writes a <c>pong</c> frame on stream 0 echoing a ping's bytes (§8.3); pass what <see cref="Frame.TryGetPingData"/> gave.</summary>
    public static int WritePong(IBufferWriter<byte> output, ulong data) => WritePingOrPong(output, FrameType.Pong, data);

    private static int WritePingOrPong(IBufferWriter<byte> output, FrameType type, ulong data)
    {
        var span = Begin(output, FrameLimits.PingPayloadSize, 0, type, FrameFlags.None);
        BinaryPrimitives.WriteUInt64BigEndian(span[FrameHeader.Size..], data);
        return Finish(output, FrameLimits.PingPayloadSize);
    }

    private static void RequireStream(uint streamId)
        => ArgumentOutOfRangeException.ThrowIfZero(streamId, nameof(streamId));

    /// <summary>Gets a span for header and payload together and writes the header into it.</summary>
    private static Span<byte> Begin(IBufferWriter<byte> output, int payloadLength, uint streamId, FrameType type, FrameFlags flags)
    {
        ArgumentNullException.ThrowIfNull(output);
        var span = output.GetSpan(FrameHeader.Size + payloadLength);
        new FrameHeader((uint)payloadLength, streamId, type, flags).Write(span);
        return span;
    }

    private static int Finish(IBufferWriter<byte> output, int payloadLength)
    {
        output.Advance(FrameHeader.Size + payloadLength);
        return FrameHeader.Size + payloadLength;
    }

    /// <summary>Writes a header alone, for payloads copied in afterwards.</summary>
    private static void WriteHeader(IBufferWriter<byte> output, int payloadLength, uint streamId, FrameType type, FrameFlags flags)
    {
        ArgumentNullException.ThrowIfNull(output);
        new FrameHeader((uint)payloadLength, streamId, type, flags).Write(output.GetSpan(FrameHeader.Size));
        output.Advance(FrameHeader.Size);
    }
}
