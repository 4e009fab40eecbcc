namespace Tern.Engine.Protocol.Notification;

/// <summary>The <c>u8</c>-length-prefixed byte strings of the datagram body (docs/PROTOCOL.md §2).</summary>
internal static class ShortString
{
    /// <summary>Reads a short string at <paramref name="offset"/>, advancing it; false when it runs past the input.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, scoped ref int offset, out ReadOnlySpan<byte> value)
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

    /// <summary>Writes a short string at <paramref name="offset"/>, advancing it. The caller checked the length.</summary>
    public static void Write(Span<byte> destination, scoped ref int offset, ReadOnlySpan<byte> value)
    {
        destination[offset] = (byte)value.Length;
        value.CopyTo(destination[(offset + 1)..]);
        offset += 1 + value.Length;
    }

    /// <summary>True when every byte is printable ASCII (0x20–0x7e).</summary>
    public static bool IsPrintableAscii(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            if (b is < 0x20 or > 0x7e)
            {
                return false;
            }
        }

        return true;
    }
}
