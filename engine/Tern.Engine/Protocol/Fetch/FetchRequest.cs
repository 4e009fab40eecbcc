using System.Buffers.Binary;

namespace Tern.Engine.Protocol.Fetch;

/// <summary>
/// The payload of a <c>fetch</c> frame (docs/PROTOCOL.md §8.3): which blob, by capability, and which range
/// of it. Whether the range is satisfiable is the server's call (<see cref="MetaStatus.RangeNotSatisfiable"/>),
/// not a framing error.
/// </summary>
public readonly struct FetchRequest : IEquatable<FetchRequest>
{
    /// <summary>Payload length: capability, offset, length.</summary>
    public const int Size = Bytes32.Size + 8 + 8;

    /// <summary>The <see cref="Length"/> that asks for everything from <see cref="Offset"/> to the end of the blob.</summary>
    public const ulong ToEnd = ulong.MaxValue;

    /// <summary>Creates a request for <paramref name="length"/> bytes (or <see cref="ToEnd"/>) from <paramref name="offset"/>.</summary>
    public FetchRequest(FetchCapability capability, ulong offset = 0, ulong length = ToEnd)
    {
        Capability = capability;
        Offset = offset;
        Length = length;
    }

    /// <summary>The capability of the delivery to fetch.</summary>
    public FetchCapability Capability { get; }

    /// <summary>First byte of the range.</summary>
    public ulong Offset { get; }

    /// <summary>Bytes in the range, or <see cref="ToEnd"/>.</summary>
    public ulong Length { get; }

    /// <summary>True when the range runs to the end of the blob.</summary>
    public bool IsToEnd => Length == ToEnd;

    /// <summary>Parses a <c>fetch</c> payload (docs/PROTOCOL.md §8.3); false with a reason when it is not exactly 48 bytes.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out FetchRequest request, out FrameError error)
    {
        if (payload.Length != Size)
        {
            request = default;
            error = FrameError.BadPayloadSize;
            return false;
        }

        request = new FetchRequest(
            new FetchCapability(payload),
            BinaryPrimitives.ReadUInt64BigEndian(payload[32..]),
            BinaryPrimitives.ReadUInt64BigEndian(payload[40..]));
        error = FrameError.None;
        return true;
    }

    /// <summary>Writes the 48-byte payload (docs/PROTOCOL.md §8.3) and returns its length.</summary>
    public int Write(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, Size, nameof(destination));
        Capability.CopyTo(destination);
        BinaryPrimitives.WriteUInt64BigEndian(destination[32..], Offset);
        BinaryPrimitives.WriteUInt64BigEndian(destination[40..], Length);
        return Size;
    }

    /// <inheritdoc />
    public bool Equals(FetchRequest other) => Capability == other.Capability && Offset == other.Offset && Length == other.Length;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is FetchRequest other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Capability, Offset, Length);

    /// <summary>Field-wise equality (the capability compared in constant time).</summary>
    public static bool operator ==(FetchRequest left, FetchRequest right) => left.Equals(right);

    /// <summary>Field-wise inequality.</summary>
    public static bool operator !=(FetchRequest left, FetchRequest right) => !left.Equals(right);
}
