using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Fetch;
using Tern.Engine.Transit;
using Tern.Transports.Fetch.Caching;

namespace Tern.Transports.Fetch.Framed;

/// <summary>
/// Writes the server's frames of one fetch (docs/PROTOCOL.md §8.3) for the framed and QUIC doors. Unlike
/// <see cref="FrameWriter"/> it accepts stream 0, which the QUIC door uses (§8.4), and it reads blob bytes straight
/// into the pipe's buffer behind the frame header: no intermediate copy, no allocation per chunk.
/// </summary>
internal static class BlobFrames
{
    /// <summary>
    /// Resolves a requested range against the blob size: ok with [<paramref name="start"/>, <paramref name="end"/>), or
    /// range_not_satisfiable when it starts past the end or runs beyond it. An empty range at the end is ok.
    /// </summary>
    public static MetaStatus ResolveRange(in FetchRequest request, long size, out long start, out long end)
    {
        start = end = 0;
        if (request.Offset > (ulong)size)
        {
            return MetaStatus.RangeNotSatisfiable;
        }

        start = (long)request.Offset;
        if (request.IsToEnd)
        {
            end = size;
            return MetaStatus.Ok;
        }

        if (request.Length > (ulong)(size - start))
        {
            return MetaStatus.RangeNotSatisfiable;
        }

        end = start + (long)request.Length;
        return MetaStatus.Ok;
    }

    /// <summary>Writes a failure <c>meta</c> (it always ends the stream).</summary>
    public static int WriteFailure(IBufferWriter<byte> output, uint streamId, MetaStatus status)
    {
        var span = output.GetSpan(FrameHeader.Size + FetchMeta.FailureSize);
        new FrameHeader(FetchMeta.FailureSize, streamId, FrameType.Meta, FrameFlags.EndStream).Write(span);
        span[FrameHeader.Size] = (byte)status;
        output.Advance(FrameHeader.Size + FetchMeta.FailureSize);
        return FrameHeader.Size + FetchMeta.FailureSize;
    }

    /// <summary>Writes an ok <c>meta</c> for [<paramref name="start"/>, <paramref name="end"/>) of <paramref name="blob"/>.</summary>
    public static int WriteOk(IBufferWriter<byte> output, uint streamId, in BlobInfo blob, long start, long end, bool endStream)
    {
        Span<byte> hint = stackalloc byte[FrameLimits.MaxMimeHintLength];
        var hintLength = 0;
        if (blob.MimeHint is { Length: > 0 and <= FrameLimits.MaxMimeHintLength } mime && Ascii.IsValid(mime))
        {
            hintLength = Encoding.ASCII.GetBytes(mime, hint);
        }

        var meta = new FetchMeta(blob.Size, blob.PayloadHash, blob.TransitExpiry.ToUnixTimeMilliseconds(), start, end - start, hint[..hintLength]);
        var length = meta.EncodedLength;
        var span = output.GetSpan(FrameHeader.Size + length);
        new FrameHeader((uint)length, streamId, FrameType.Meta, endStream ? FrameFlags.EndStream : FrameFlags.None).Write(span);
        meta.Write(span[FrameHeader.Size..]);
        output.Advance(FrameHeader.Size + length);
        return FrameHeader.Size + length;
    }

    /// <summary>
    /// Reads up to <paramref name="count"/> bytes at <paramref name="offset"/> from the store into the pipe behind a
    /// <c>data</c> header and commits the frame. Returns the bytes written, or -1 when the blob vanished (reclaimed
    /// mid-stream): nothing is written then. The frame carries <c>end_stream</c> when it reaches <paramref name="rangeEnd"/>.
    /// </summary>
    public static async ValueTask<int> WriteDataAsync(PipeWriter output, BlobReader reader, FetchCapability capability, BlobInfo blob, uint streamId, long offset, int count, long rangeEnd, CancellationToken cancellationToken)
    {
        var memory = output.GetMemory(FrameHeader.Size + count);
        var read = count == 0 ? 0 : await reader.ReadAsync(capability, blob, offset, memory.Slice(FrameHeader.Size, count), cancellationToken).ConfigureAwait(false);
        if (read < 0 || (read == 0 && count > 0))
        {
            return -1;
        }

        var endStream = offset + read >= rangeEnd;
        new FrameHeader((uint)read, streamId, FrameType.Data, endStream ? FrameFlags.EndStream : FrameFlags.None).Write(memory.Span);
        output.Advance(FrameHeader.Size + read);
        return read;
    }

    /// <summary>
    /// Writes an empty <c>data</c> with <c>end_stream</c>: ends an empty range (§8.6.4), a cancelled stream (§8.3), or a stream
    /// cut short because the blob vanished (§8.6.5).
    /// </summary>
    public static int WriteEnd(IBufferWriter<byte> output, uint streamId)
    {
        new FrameHeader(0, streamId, FrameType.Data, FrameFlags.EndStream).Write(output.GetSpan(FrameHeader.Size));
        output.Advance(FrameHeader.Size);
        return FrameHeader.Size;
    }
}
