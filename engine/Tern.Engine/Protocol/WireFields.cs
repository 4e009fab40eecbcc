using System.Text;

namespace Tern.Engine.Protocol;

/// <summary>Short strings (docs/PROTOCOL.md §2.5) and u64 times shared by the user-key, envelope and receipt codecs.</summary>
internal static class WireFields
{
    /// <summary>Reads a short string at <paramref name="offset"/>; false when its length runs past the end.</summary>
    public static bool TryReadShortString(ReadOnlySpan<byte> source, scoped ref int offset, out ReadOnlySpan<byte> value)
    {
        if (offset >= source.Length || source[offset] > source.Length - offset - 1)
        {
            value = default;
            return false;
        }

        value = source.Slice(offset + 1, source[offset]);
        offset += 1 + value.Length;
        return true;
    }

    /// <summary>Writes <paramref name="text"/> as a short string of ASCII; the caller has validated it.</summary>
    public static void WriteShortString(Span<byte> destination, scoped ref int offset, string text)
    {
        destination[offset] = (byte)Encoding.ASCII.GetBytes(text, destination[(offset + 1)..]);
        offset += 1 + text.Length;
    }

    /// <summary>The context label followed by <paramref name="body"/>, in <paramref name="buffer"/>.</summary>
    public static ReadOnlySpan<byte> Signed(Span<byte> buffer, ReadOnlySpan<byte> context, ReadOnlySpan<byte> body)
    {
        context.CopyTo(buffer);
        body.CopyTo(buffer[context.Length..]);
        return buffer[..(context.Length + body.Length)];
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
