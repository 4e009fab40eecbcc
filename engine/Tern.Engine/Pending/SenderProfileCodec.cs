using Tern.Engine.Protocol;
using Tern.Engine.Protocol.Notification;

namespace Tern.Engine.Pending;

/// <summary>
/// The encoded form of a <see cref="SenderProfile"/>, which is also its identity:
/// <code>sender key (32) | domain (u8 len + bytes) | MIME hint (u8 len + bytes) | hint count u8 | hints (u8 len + bytes each)</code>
/// Format 1 references stored exactly these fields (key at 32, the rest from 123), so a migration copies them.
/// </summary>
internal static class SenderProfileCodec
{
    /// <summary>Longest encoding: every variable field at its protocol maximum (docs/PROTOCOL.md §4.2).</summary>
    public const int MaxSize = Bytes32.Size + 1 + DomainName.MaxLength + 1 + NotificationLimits.MaxMimeHintLength + 1
        + (NotificationLimits.MaxFetchHints * (1 + NotificationLimits.MaxFetchHintLength));

    public static int Write(in NotificationRecord record, ReadOnlySpan<byte> senderKey, Span<byte> destination)
    {
        senderKey[..Bytes32.Size].CopyTo(destination);
        var offset = Bytes32.Size;
        WriteShort(destination, ref offset, record.SenderDomain);
        WriteShort(destination, ref offset, record.MimeHint);
        destination[offset++] = (byte)record.FetchHints.Count;
        record.FetchHints.Encoded.CopyTo(destination[offset..]);
        return offset + record.FetchHints.Encoded.Length;
    }

    /// <summary>Writes a profile from its parts (<paramref name="hints"/> encoded as in a record, <paramref name="hintCount"/> of them).</summary>
    public static int Write(ReadOnlySpan<byte> senderKey, ReadOnlySpan<byte> domain, ReadOnlySpan<byte> mime, int hintCount, ReadOnlySpan<byte> hints, Span<byte> destination)
    {
        senderKey[..Bytes32.Size].CopyTo(destination);
        var offset = Bytes32.Size;
        WriteShort(destination, ref offset, domain);
        WriteShort(destination, ref offset, mime);
        destination[offset++] = (byte)hintCount;
        hints.CopyTo(destination[offset..]);
        return offset + hints.Length;
    }

    /// <summary>Splits an encoded profile; false when the bytes are not one (a length runs past the end, or bytes follow the hints).</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out ReadOnlySpan<byte> senderKey, out ReadOnlySpan<byte> domain, out ReadOnlySpan<byte> mime, out int hintCount, out ReadOnlySpan<byte> hints)
    {
        senderKey = domain = mime = hints = default;
        hintCount = 0;
        var offset = Bytes32.Size;
        if (source.Length < Bytes32.Size + 3 || !TryReadShort(source, ref offset, out domain) || !TryReadShort(source, ref offset, out mime) || offset >= source.Length)
        {
            return false;
        }

        senderKey = source[..Bytes32.Size];
        hintCount = source[offset++];
        var start = offset;
        for (var i = 0; i < hintCount; i++)
        {
            if (!TryReadShort(source, ref offset, out _))
            {
                return false;
            }
        }

        hints = source[start..offset];
        return offset == source.Length;
    }

    private static void WriteShort(Span<byte> destination, ref int offset, ReadOnlySpan<byte> value)
    {
        destination[offset] = (byte)value.Length;
        value.CopyTo(destination[(offset + 1)..]);
        offset += 1 + value.Length;
    }

    private static bool TryReadShort(ReadOnlySpan<byte> source, scoped ref int offset, out ReadOnlySpan<byte> value)
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
