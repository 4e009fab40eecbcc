namespace Tern.Engine.Pending;

/// <summary>LEB128 unsigned integers (7 bits a byte, low first) and zigzag for signed ones, for the compact reference encoding.</summary>
internal static class VarInt
{
    public const int MaxLength = 10;

    public static void Write(Span<byte> destination, ref int offset, ulong value)
    {
        while (value >= 0x80)
        {
            destination[offset++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[offset++] = (byte)value;
    }

    public static void WriteSigned(Span<byte> destination, ref int offset, long value) => Write(destination, ref offset, (ulong)((value << 1) ^ (value >> 63)));

    /// <summary>False when the bytes end first or run past <see cref="MaxLength"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, ref int offset, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 7 * MaxLength && offset < source.Length; shift += 7)
        {
            var b = source[offset++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    public static bool TryReadSigned(ReadOnlySpan<byte> source, ref int offset, out long value)
    {
        var ok = TryRead(source, ref offset, out var raw);
        value = (long)(raw >> 1) ^ -(long)(raw & 1);
        return ok;
    }
}
