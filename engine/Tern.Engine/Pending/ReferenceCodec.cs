using System.Buffers.Binary;
using System.Text;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Pending;

/// <summary>
/// The stored form of a pending reference (the value of the reference store). Fixed fields first, then the
/// three variable fields as short strings, so a typical reference takes ~200 bytes instead of the ~1.3 KB a
/// fixed layout sized for the longest fields would.
/// <code>
///  0 capability (32)   32 sender key (32)   64 transit expiry i64   72 payload size i64   80 payload hash (32)
/// 112 received at i64 120 attempt u16      122 flags u8            123 domain, MIME hint (u8 len + bytes),
///                                                                      hint count u8, hints (u8 len + bytes each)
/// </code>
/// </summary>
internal static class ReferenceCodec
{
    public const int FixedSize = 123;

    /// <summary>Longest encoding: every variable field at its protocol maximum.</summary>
    public const int MaxSize = FixedSize + 1 + DomainName.MaxLength + 1 + NotificationLimits.MaxMimeHintLength + 1
        + (NotificationLimits.MaxFetchHints * (1 + NotificationLimits.MaxFetchHintLength));

    public static int Write(in NotificationRecord record, ReadOnlySpan<byte> senderKey, long receivedAtMs, Span<byte> destination)
    {
        record.Capability.CopyTo(destination);
        senderKey[..Bytes32.Size].CopyTo(destination[32..]);
        BinaryPrimitives.WriteInt64LittleEndian(destination[64..], record.TransitExpiryMs);
        BinaryPrimitives.WriteInt64LittleEndian(destination[72..], record.PayloadSize);
        record.PayloadHash.CopyTo(destination[80..]);
        BinaryPrimitives.WriteInt64LittleEndian(destination[112..], receivedAtMs);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[120..], record.Attempt);
        destination[122] = (byte)record.Flags;
        var offset = FixedSize;
        WriteShort(destination, ref offset, record.SenderDomain);
        WriteShort(destination, ref offset, record.MimeHint);
        destination[offset++] = (byte)record.FetchHints.Count;
        record.FetchHints.Encoded.CopyTo(destination[offset..]);
        return offset + record.FetchHints.Encoded.Length;
    }

    /// <summary>Decodes a stored reference; null when the bytes are not a reference this codec wrote.</summary>
    public static PendingReference? Read(ReadOnlySpan<byte> source, ulong sequence)
    {
        if (source.Length < FixedSize + 3)
        {
            return null;
        }

        var offset = FixedSize;
        if (!TryReadShort(source, ref offset, out var domain) || !TryReadShort(source, ref offset, out var mime) || offset >= source.Length)
        {
            return null;
        }

        int hintCount = source[offset++];
        var hints = hintCount == 0 ? [] : new string[hintCount];
        for (var i = 0; i < hintCount; i++)
        {
            if (!TryReadShort(source, ref offset, out var hint))
            {
                return null;
            }

            hints[i] = Encoding.ASCII.GetString(hint);
        }

        return new PendingReference(
            new FetchCapability(source),
            Encoding.ASCII.GetString(domain),
            new Bytes32(source[32..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[64..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[72..]),
            new Bytes32(source[80..]),
            mime.IsEmpty ? string.Empty : Encoding.ASCII.GetString(mime),
            hints,
            BinaryPrimitives.ReadInt64LittleEndian(source[112..]),
            sequence,
            BinaryPrimitives.ReadUInt16LittleEndian(source[120..]),
            (NotificationFlags)source[122]);
    }

    /// <summary>The sender key of a stored reference, without decoding the rest.</summary>
    public static ReadOnlySpan<byte> ReadSenderKey(ReadOnlySpan<byte> source) => source.Slice(32, Bytes32.Size);

    /// <summary>The transit expiry of a stored reference, without decoding the rest.</summary>
    public static long ReadExpiry(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadInt64LittleEndian(source[64..]);

    private static void WriteShort(Span<byte> destination, ref int offset, ReadOnlySpan<byte> value)
    {
        destination[offset] = (byte)value.Length;
        value.CopyTo(destination[(offset + 1)..]);
        offset += 1 + value.Length;
    }

    private static bool TryReadShort(ReadOnlySpan<byte> source, ref int offset, out ReadOnlySpan<byte> value)
    {
        if (offset >= source.Length || offset + 1 + source[offset] > source.Length)
        {
            value = default;
            return false;
        }

        value = source.Slice(offset + 1, source[offset]);
        offset += 1 + value.Length;
        return true;
    }
}
