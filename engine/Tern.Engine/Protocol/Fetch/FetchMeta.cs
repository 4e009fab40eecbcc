using System.Buffers.Binary;

namespace Tern.Engine.Protocol.Fetch;

/// <summary>
/// The payload of a <c>meta</c> frame (docs/PROTOCOL.md §8.3): a status, and when it is <see cref="MetaStatus.Ok"/>
/// the blob's size, hash and expiry, the range that follows and the MIME hint. The hint is a span into the
/// payload or the caller's buffer.
/// </summary>
public readonly ref struct FetchMeta
{
    /// <summary>Payload length of a meta whose status is not <see cref="MetaStatus.Ok"/>: the status byte alone.</summary>
    public const int FailureSize = 1;

    /// <summary>Fixed part of an ok payload: status, total size, hash, expiry, offset, length.</summary>
    public const int OkFixedSize = 1 + 8 + Bytes32.Size + 8 + 8 + 8;

    /// <summary>Smallest ok payload: no MIME hint.</summary>
    public const int OkMinSize = OkFixedSize + 1;

    /// <summary>Largest payload: an ok meta with the longest MIME hint.</summary>
    public const int MaxSize = OkMinSize + FrameLimits.MaxMimeHintLength;

    private FetchMeta(MetaStatus status) => Status = status;

    /// <summary>Creates an ok meta for the range [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="length"/>) of a blob.</summary>
    public FetchMeta(long totalSize, Bytes32 payloadHash, long transitExpiryMs, long offset, long length, ReadOnlySpan<byte> mimeHint)
    {
        Status = MetaStatus.Ok;
        TotalSize = totalSize;
        PayloadHash = payloadHash;
        TransitExpiryMs = transitExpiryMs;
        Offset = offset;
        Length = length;
        MimeHint = mimeHint;
    }

    /// <summary>A meta carrying only a status other than <see cref="MetaStatus.Ok"/>.</summary>
    public static FetchMeta Failure(MetaStatus status)
    {
        if (status is MetaStatus.Ok or > MetaStatus.BadRequest)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A failure meta carries a status other than ok.");
        }

        return new FetchMeta(status);
    }

    /// <summary>The answer to the fetch.</summary>
    public MetaStatus Status { get; }

    /// <summary>Blob length in bytes (ok only).</summary>
    public long TotalSize { get; }

    /// <summary>The payload hash of the whole blob, §4.8 (ok only).</summary>
    public Bytes32 PayloadHash { get; }

    /// <summary>Transit expiry, ms since the epoch (ok only).</summary>
    public long TransitExpiryMs { get; }

    /// <summary>First byte of the range that follows (ok only).</summary>
    public long Offset { get; }

    /// <summary>Bytes in the range that follows, resolved (never "to the end") (ok only).</summary>
    public long Length { get; }

    /// <summary>The sender's MIME hint, printable ASCII, empty for none (ok only).</summary>
    public ReadOnlySpan<byte> MimeHint { get; }

    /// <summary>Payload length when written.</summary>
    public int EncodedLength => Status == MetaStatus.Ok ? OkMinSize + MimeHint.Length : FailureSize;

    /// <summary>True when the fields obey docs/PROTOCOL.md §8.3: a known status and, when ok, a range inside the blob and a valid hint.</summary>
    public bool IsValid => Validate() == FrameError.None;

    /// <summary>
    /// Parses a <c>meta</c> payload (docs/PROTOCOL.md §8.3). The payload must be exactly the fields its status
    /// and hint length call for; a range outside the blob, a hint that is not printable ASCII or an unknown
    /// status is rejected with its reason.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out FetchMeta meta, out FrameError error)
    {
        meta = default;
        if (payload.IsEmpty)
        {
            error = FrameError.BadPayloadSize;
            return false;
        }

        var status = (MetaStatus)payload[0];
        if (status > MetaStatus.BadRequest)
        {
            error = FrameError.UnknownStatus;
            return false;
        }

        if (status != MetaStatus.Ok)
        {
            meta = new FetchMeta(status);
            error = payload.Length == FailureSize ? FrameError.None : FrameError.BadPayloadSize;
            return error == FrameError.None;
        }

        if (payload.Length < OkMinSize || payload.Length != OkMinSize + payload[OkFixedSize])
        {
            error = FrameError.BadPayloadSize;
            return false;
        }

        // u64 on the wire; a size, time or offset above long.MaxValue cannot be real, and Validate rejects it as negative.
        var candidate = new FetchMeta(
            BinaryPrimitives.ReadInt64BigEndian(payload[1..]),
            new Bytes32(payload[9..]),
            BinaryPrimitives.ReadInt64BigEndian(payload[41..]),
            BinaryPrimitives.ReadInt64BigEndian(payload[49..]),
            BinaryPrimitives.ReadInt64BigEndian(payload[57..]),
            payload[OkMinSize..]);
        error = candidate.Validate();
        if (error != FrameError.None)
        {
            return false;
        }

        meta = candidate;
        return true;
    }

    /// <summary>Writes the payload (docs/PROTOCOL.md §8.3) and returns its length; throws when the fields are invalid.</summary>
    public int Write(Span<byte> destination)
    {
        var error = Validate();
        if (error != FrameError.None)
        {
            throw new ArgumentException($"The meta breaks docs/PROTOCOL.md §8.3: {error}.");
        }

        var length = EncodedLength;
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, length, nameof(destination));
        destination[0] = (byte)Status;
        if (Status != MetaStatus.Ok)
        {
            return length;
        }

        BinaryPrimitives.WriteInt64BigEndian(destination[1..], TotalSize);
        PayloadHash.CopyTo(destination[9..]);
        BinaryPrimitives.WriteInt64BigEndian(destination[41..], TransitExpiryMs);
        BinaryPrimitives.WriteInt64BigEndian(destination[49..], Offset);
        BinaryPrimitives.WriteInt64BigEndian(destination[57..], Length);
        destination[OkFixedSize] = (byte)MimeHint.Length;
        MimeHint.CopyTo(destination[OkMinSize..]);
        return length;
    }

    private FrameError Validate()
    {
        if (Status > MetaStatus.BadRequest)
        {
            return FrameError.UnknownStatus;
        }

        if (Status != MetaStatus.Ok)
        {
            return FrameError.None;
        }

        if (TotalSize < 0 || TransitExpiryMs < 0 || Offset < 0 || Length < 0 || Offset > TotalSize || Length > TotalSize - Offset)
        {
            return FrameError.BadRange;
        }

        if (MimeHint.Length > FrameLimits.MaxMimeHintLength)
        {
            return FrameError.BadMimeHint;
        }

        foreach (var b in MimeHint)
        {
            if (b is < 0x20 or > 0x7e)
            {
                return FrameError.BadMimeHint;
            }
        }

        return FrameError.None;
    }
}
