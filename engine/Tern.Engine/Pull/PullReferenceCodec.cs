using System.Buffers.Binary;
using System.Text;
using Tern.Engine.Pending;
using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Pull;

/// <summary>
/// A pending reference as the pull journal keeps it (docs/ARCHITECTURE.md §5.6): self-contained, in the layout of the
/// pending table's first reference format, so a journal record never depends on the table's sender profiles.
/// <code>
///  0 capability (32)   32 sender key (32)   64 transit expiry i64   72 payload size i64   80 payload hash (32)
/// 112 received at i64 120 attempt u16      122 flags u8            123 domain, MIME hint (u8 len + bytes),
///                                                                      hint count u8, hints (u8 len + bytes each)
/// </code>
/// </summary>
internal static class PullReferenceCodec
{
    private const int FixedSize = 123;

    /// <summary>Longest encoding: every variable field at its protocol maximum.</summary>
    public const int MaxSize = FixedSize + 1 + DomainName.MaxLength + 1 + NotificationLimits.MaxMimeHintLength + 1
        + (NotificationLimits.MaxFetchHints * (1 + NotificationLimits.MaxFetchHintLength));

    /// <summary>
    /// Encodes a reference read back from the table in the same layout (the pull journal keeps it so, docs/ARCHITECTURE.md
    /// §5.6). Returns the length, or -1 when <paramref name="destination"/> is too short or a field breaks §4.2's limits.
    /// </summary>
    public static int Write(PendingReference reference, Span<byte> destination)
    {
        if (destination.Length < FixedSize + 3 || reference.SenderDomain.Length > DomainName.MaxLength || reference.MimeHint.Length > NotificationLimits.MaxMimeHintLength
            || reference.FetchHints.Count > NotificationLimits.MaxFetchHints)
        {
            return -1;
        }

        reference.Capability.CopyTo(destination);
        reference.SenderKey.CopyTo(destination[32..]);
        BinaryPrimitives.WriteInt64LittleEndian(destination[64..], reference.TransitExpiryMs);
        BinaryPrimitives.WriteInt64LittleEndian(destination[72..], reference.PayloadSize);
        reference.PayloadHash.CopyTo(destination[80..]);
        BinaryPrimitives.WriteInt64LittleEndian(destination[112..], reference.ReceivedAtMs);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[120..], reference.Attempt);
        destination[122] = (byte)reference.Flags;
        var offset = FixedSize;
        if (!TryWriteAscii(destination, ref offset, reference.SenderDomain) || !TryWriteAscii(destination, ref offset, reference.MimeHint) || offset >= destination.Length)
        {
            return -1;
        }

        destination[offset++] = (byte)reference.FetchHints.Count;
        foreach (var hint in reference.FetchHints)
        {
            if (hint.Length > NotificationLimits.MaxFetchHintLength || !TryWriteAscii(destination, ref offset, hint))
            {
                return -1;
            }
        }

        return offset;
    }

    /// <summary>Decodes a stored reference; null when the bytes are not a reference this codec wrote.</summary>
    public static PendingReference? Read(ReadOnlySpan<byte> source, ulong sequence) => Read(source, sequence, out _);

    /// <summary>Decodes a stored reference at the start of <paramref name="source"/> and the bytes it took (<paramref name="length"/>).</summary>
    public static PendingReference? Read(ReadOnlySpan<byte> source, ulong sequence, out int length)
    {
        length = 0;
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

        length = offset;
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

    private static bool TryWriteAscii(Span<byte> destination, ref int offset, string value)
    {
        if (offset + 1 + value.Length > destination.Length)
        {
            return false;
        }

        destination[offset] = (byte)Encoding.ASCII.GetBytes(value, destination[(offset + 1)..]);
        offset += 1 + value.Length;
        return true;
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
