using System.Buffers;
using System.Buffers.Binary;

namespace Tern.Engine.Protocol.Fetch;

/// <summary>
/// One frame as <see cref="FrameReader"/> found it: the header and its payload, a slice of the input
/// (no copy). Valid until the caller advances the pipe past it.
/// </summary>
public readonly struct Frame
{
    /// <summary>Wraps a header and its payload.</summary>
    public Frame(FrameHeader header, ReadOnlySequence<byte> payload)
    {
        Header = header;
        Payload = payload;
    }

    /// <summary>The frame header.</summary>
    public FrameHeader Header { get; }

    /// <summary>The payload, <see cref="FrameHeader.Length"/> bytes, sliced from the input.</summary>
    public ReadOnlySequence<byte> Payload { get; }

    /// <summary>The frame type.</summary>
    public FrameType Type => Header.Type;

    /// <summary>The stream id.</summary>
    public uint StreamId => Header.StreamId;

    /// <summary>The flags.</summary>
    public FrameFlags Flags => Header.Flags;

    /// <summary>True when <see cref="FrameFlags.EndStream"/> is set.</summary>
    public bool IsEndStream => (Header.Flags & FrameFlags.EndStream) != 0;

    /// <summary>True when <see cref="FrameFlags.Head"/> is set (a metadata-only fetch).</summary>
    public bool IsHead => (Header.Flags & FrameFlags.Head) != 0;

    /// <summary>True when <see cref="FrameFlags.Proof"/> is set (a fetch that asks for the range proof, §4.8).</summary>
    public bool WantsProof => (Header.Flags & FrameFlags.Proof) != 0;

    /// <summary>
    /// The payload as one span: itself when it sits in one segment, otherwise copied into
    /// <paramref name="scratch"/>. Meant for the small fixed-layout payloads (at most
    /// <see cref="FrameLimits.MaxControlPayloadSize"/> bytes), so a stack buffer suffices.
    /// </summary>
    public ReadOnlySpan<byte> GetPayloadSpan(Span<byte> scratch)
    {
        if (Payload.IsSingleSegment)
        {
            return Payload.FirstSpan;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(scratch.Length, Payload.Length, nameof(scratch));
        var copy = scratch[..(int)Payload.Length];
        Payload.CopyTo(copy);
        return copy;
    }

    /// <summary>The 8 opaque bytes of a <c>ping</c> or <c>pong</c>, as a big-endian number; false for other frames.</summary>
    public bool TryGetPingData(out ulong data)
    {
        if (Type is not (FrameType.Ping or FrameType.Pong) || Payload.Length != FrameLimits.PingPayloadSize)
        {
            data = 0;
            return false;
        }

        Span<byte> bytes = stackalloc byte[FrameLimits.PingPayloadSize];
        Payload.CopyTo(bytes);
        data = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        return true;
    }
}
