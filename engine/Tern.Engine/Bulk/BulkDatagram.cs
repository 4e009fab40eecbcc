using System.Buffers.Binary;

namespace Tern.Engine.Bulk;

/// <summary>
/// The bulk datagram codec (docs/PROTOCOL.md §17.2): a 20-byte header (version, type, flags, a zero byte, the session id)
/// and a body per type. Writes into and reads from spans with <see cref="BinaryPrimitives"/>; a read returns false for
/// anything malformed and never throws, so a stray or hostile datagram is dropped and counted by the caller.
/// </summary>
public static class BulkDatagram
{
    /// <summary>The datagram format version.</summary>
    public const byte Version = 1;

    /// <summary>Bytes of the common header.</summary>
    public const int HeaderSize = 20;

    /// <summary>Bytes before the data of a data datagram.</summary>
    public const int DataHeaderSize = HeaderSize + 4 + 8 + 8;

    /// <summary>Bytes before the ranges of a report.</summary>
    public const int ReportHeaderSize = HeaderSize + 4 + 8 + 2;

    /// <summary>Bytes of one missing range in a report: start and end, u64 each.</summary>
    public const int RangeSize = 16;

    /// <summary>Data flag: this datagram is a checkpoint; the receiver answers it with a report or the receipt.</summary>
    public const byte CheckpointFlag = 0x01;

    /// <summary>Report flag: the receiver holds the whole block (no range follows).</summary>
    public const byte CompleteFlag = 0x01;

    /// <summary>The largest datagram any bulk datagram may be (a jumbo path); a reader drops anything longer.</summary>
    public const int MaxSize = 9000;

    /// <summary>Reads the common header; false when short, of another version, of an unknown type, or the zero byte is not zero.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> datagram, out BulkDatagramType type, out byte flags, out BulkSessionId session)
    {
        type = default;
        flags = 0;
        session = default;
        if (datagram.Length < HeaderSize || datagram.Length > MaxSize || datagram[0] != Version || datagram[3] != 0
            || datagram[1] is < (byte)BulkDatagramType.Data or > (byte)BulkDatagramType.Cancel)
        {
            return false;
        }

        type = (BulkDatagramType)datagram[1];
        flags = datagram[2];
        session = BulkSessionId.Read(datagram[4..]);
        return true;
    }

    /// <summary>Writes a data datagram's header before <paramref name="dataLength"/> bytes the caller puts at <see cref="DataHeaderSize"/>; returns the datagram's length.</summary>
    public static int WriteData(Span<byte> destination, BulkSessionId session, uint checkpointSerial, long blockLength, long offset, int dataLength)
    {
        WriteHeader(destination, BulkDatagramType.Data, checkpointSerial == 0 ? (byte)0 : CheckpointFlag, session);
        BinaryPrimitives.WriteUInt32BigEndian(destination[HeaderSize..], checkpointSerial);
        BinaryPrimitives.WriteInt64BigEndian(destination[(HeaderSize + 4)..], blockLength);
        BinaryPrimitives.WriteInt64BigEndian(destination[(HeaderSize + 12)..], offset);
        return DataHeaderSize + dataLength;
    }

    /// <summary>
    /// Reads a data datagram's body: at least one byte, a checkpoint flag exactly when the serial is not 0, and the bytes
    /// inside the block (offset + length ≤ block length).
    /// </summary>
    public static bool TryReadData(ReadOnlySpan<byte> datagram, byte flags, out uint checkpointSerial, out long blockLength, out long offset, out ReadOnlySpan<byte> data)
    {
        checkpointSerial = 0;
        blockLength = offset = 0;
        data = default;
        if (datagram.Length <= DataHeaderSize || (flags & ~CheckpointFlag) != 0)
        {
            return false;
        }

        checkpointSerial = BinaryPrimitives.ReadUInt32BigEndian(datagram[HeaderSize..]);
        blockLength = BinaryPrimitives.ReadInt64BigEndian(datagram[(HeaderSize + 4)..]);
        offset = BinaryPrimitives.ReadInt64BigEndian(datagram[(HeaderSize + 12)..]);
        data = datagram[DataHeaderSize..];
        return (checkpointSerial != 0) == ((flags & CheckpointFlag) != 0)
            && blockLength > 0 && offset >= 0 && offset < blockLength && data.Length <= blockLength - offset;
    }

    /// <summary>Writes a report's header; the caller then writes <paramref name="rangeCount"/> ranges with <see cref="WriteRange"/>. Returns the datagram's length.</summary>
    public static int WriteReport(Span<byte> destination, BulkSessionId session, bool complete, uint checkpointSerial, long upperBound, int rangeCount)
    {
        WriteHeader(destination, BulkDatagramType.Report, complete ? CompleteFlag : (byte)0, session);
        BinaryPrimitives.WriteUInt32BigEndian(destination[HeaderSize..], checkpointSerial);
        BinaryPrimitives.WriteInt64BigEndian(destination[(HeaderSize + 4)..], upperBound);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(HeaderSize + 12)..], (ushort)rangeCount);
        return ReportHeaderSize + (rangeCount * RangeSize);
    }

    /// <summary>Writes missing range <paramref name="index"/> of a report.</summary>
    public static void WriteRange(Span<byte> destination, int index, long start, long end)
    {
        var at = destination[(ReportHeaderSize + (index * RangeSize))..];
        BinaryPrimitives.WriteInt64BigEndian(at, start);
        BinaryPrimitives.WriteInt64BigEndian(at[8..], end);
    }

    /// <summary>
    /// Reads a report's body: exact length for its range count, no range when complete, and ranges that are non-empty,
    /// in order, not overlapping and below the upper bound. The ranges stay in <paramref name="ranges"/> for <see cref="ReadRange"/>.
    /// </summary>
    public static bool TryReadReport(ReadOnlySpan<byte> datagram, byte flags, out bool complete, out uint checkpointSerial, out long upperBound, out ReadOnlySpan<byte> ranges)
    {
        complete = (flags & CompleteFlag) != 0;
        checkpointSerial = 0;
        upperBound = 0;
        ranges = default;
        if (datagram.Length < ReportHeaderSize || (flags & ~CompleteFlag) != 0)
        {
            return false;
        }

        checkpointSerial = BinaryPrimitives.ReadUInt32BigEndian(datagram[HeaderSize..]);
        upperBound = BinaryPrimitives.ReadInt64BigEndian(datagram[(HeaderSize + 4)..]);
        int count = BinaryPrimitives.ReadUInt16BigEndian(datagram[(HeaderSize + 12)..]);
        if (upperBound < 0 || datagram.Length != ReportHeaderSize + (count * RangeSize) || (complete && count != 0))
        {
            return false;
        }

        ranges = datagram[ReportHeaderSize..];
        long previousEnd = 0;
        for (var i = 0; i < count; i++)
        {
            ReadRange(ranges, i, out var start, out var end);
            if (start < previousEnd || end <= start || end > upperBound)
            {
                return false;
            }

            previousEnd = end;
        }

        return true;
    }

    /// <summary>Range <paramref name="index"/> of a report's ranges.</summary>
    public static void ReadRange(ReadOnlySpan<byte> ranges, int index, out long start, out long end)
    {
        var at = ranges[(index * RangeSize)..];
        start = BinaryPrimitives.ReadInt64BigEndian(at);
        end = BinaryPrimitives.ReadInt64BigEndian(at[8..]);
    }

    /// <summary>Writes a receipt datagram around the receipt's bytes; returns its length.</summary>
    public static int WriteReceipt(Span<byte> destination, BulkSessionId session, ReadOnlySpan<byte> receipt)
    {
        WriteHeader(destination, BulkDatagramType.Receipt, 0, session);
        receipt.CopyTo(destination[HeaderSize..]);
        return HeaderSize + receipt.Length;
    }

    /// <summary>Writes a cancel datagram; returns its length.</summary>
    public static int WriteCancel(Span<byte> destination, BulkSessionId session, BulkCancelReason reason)
    {
        WriteHeader(destination, BulkDatagramType.Cancel, 0, session);
        destination[HeaderSize] = (byte)reason;
        return HeaderSize + 1;
    }

    /// <summary>Reads a cancel datagram's reason: exactly one byte, a known reason.</summary>
    public static bool TryReadCancel(ReadOnlySpan<byte> datagram, byte flags, out BulkCancelReason reason)
    {
        reason = BulkCancelReason.None;
        if (datagram.Length != HeaderSize + 1 || flags != 0 || datagram[HeaderSize] is 0 or > (byte)BulkCancelReason.SourceGone)
        {
            return false;
        }

        reason = (BulkCancelReason)datagram[HeaderSize];
        return true;
    }

    private static void WriteHeader(Span<byte> destination, BulkDatagramType type, byte flags, BulkSessionId session)
    {
        destination[0] = Version;
        destination[1] = (byte)type;
        destination[2] = flags;
        destination[3] = 0;
        session.Write(destination[4..]);
    }
}
