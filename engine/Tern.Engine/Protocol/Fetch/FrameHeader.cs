using System.Buffers.Binary;

namespace Tern.Engine.Protocol.Fetch;

/// <summary>
/// The 10-byte header in front of every frame (docs/PROTOCOL.md §8.2): payload length, stream, type, flags.
/// Holds the raw values; <see cref="FrameReader"/> decides whether they are acceptable.
/// </summary>
public readonly struct FrameHeader : IEquatable<FrameHeader>
{
    /// <summary>Header length in bytes.</summary>
    public const int Size = 10;

    /// <summary>Creates a header.</summary>
    public FrameHeader(uint length, uint streamId, FrameType type, FrameFlags flags)
    {
        Length = length;
        StreamId = streamId;
        Type = type;
        Flags = flags;
    }

    /// <summary>Payload length in bytes (the header not included).</summary>
    public uint Length { get; }

    /// <summary>The stream: non-zero per fetch, 0 for connection frames.</summary>
    public uint StreamId { get; }

    /// <summary>The frame type, possibly one this code does not know.</summary>
    public FrameType Type { get; }

    /// <summary>The flag bits, possibly undefined ones.</summary>
    public FrameFlags Flags { get; }

    /// <summary>Reads a header from the first 10 bytes of <paramref name="source"/>; false when there are fewer.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out FrameHeader header)
    {
        if (source.Length < Size)
        {
            header = default;
            return false;
        }

        header = new FrameHeader(
            BinaryPrimitives.ReadUInt32BigEndian(source),
            BinaryPrimitives.ReadUInt32BigEndian(source[4..]),
            (FrameType)source[8],
            (FrameFlags)source[9]);
        return true;
    }

    /// <summary>Writes the header to the first 10 bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        // One bounds check up front instead of four partial writes before a failure.
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Size, nameof(destination));
        BinaryPrimitives.WriteUInt32BigEndian(destination, Length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], StreamId);
        destination[8] = (byte)Type;
        destination[9] = (byte)Flags;
    }

    /// <inheritdoc />
    public bool Equals(FrameHeader other)
        => Length == other.Length && StreamId == other.StreamId && Type == other.Type && Flags == other.Flags;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is FrameHeader other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Length, StreamId, Type, Flags);

    /// <inheritdoc />
    public override string ToString() => $"{Type} stream={StreamId} flags={Flags} length={Length}";

    /// <summary>Field-wise equality.</summary>
    public static bool operator ==(FrameHeader left, FrameHeader right) => left.Equals(right);

    /// <summary>Field-wise inequality.</summary>
    public static bool operator !=(FrameHeader left, FrameHeader right) => !left.Equals(right);
}
