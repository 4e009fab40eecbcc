using System.Buffers.Text;

namespace Tern.Engine.Protocol.Descriptor;

/// <summary>
/// Strict base64url (docs/PROTOCOL.md §2.3): unpadded, no whitespace, unused trailing bits zero. Each byte
/// string then has exactly one text form, so a signed document cannot be altered without breaking it.
/// </summary>
internal static class CanonicalBase64Url
{
    /// <summary>Decodes <paramref name="text"/> into <paramref name="destination"/>; false unless it is canonical and fits.</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination, out int written)
    {
        written = 0;
        var remainder = text.Length % 4;
        if (remainder == 1 || DecodedLength(text.Length) > destination.Length)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (ValueOf(c) < 0)
            {
                return false;
            }
        }

        // The last character of a partial group carries 4 (2 chars) or 2 (3 chars) bits that encode nothing.
        if (remainder != 0 && (ValueOf(text[^1]) & (remainder == 2 ? 0x0F : 0x03)) != 0)
        {
            return false;
        }

        return Base64Url.TryDecodeFromChars(text, destination, out written) && written == DecodedLength(text.Length);
    }

    /// <summary>Decodes exactly 32 bytes (43 characters).</summary>
    public static bool TryDecode(ReadOnlySpan<char> text, out Bytes32 value)
    {
        Span<byte> bytes = stackalloc byte[Bytes32.Size];
        if (text.Length != Bytes32.TextLength || !TryDecode(text, bytes, out _))
        {
            value = default;
            return false;
        }

        value = new Bytes32(bytes);
        return true;
    }

    /// <summary>Bytes encoded by <paramref name="textLength"/> characters of unpadded base64url.</summary>
    public static int DecodedLength(int textLength) => (int)((long)textLength * 3 / 4);

    private static int ValueOf(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '-' => 62,
        '_' => 63,
        _ => -1,
    };
}
