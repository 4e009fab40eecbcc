namespace Tern.Testing;

/// <summary>
/// Every input one substitution away from a valid one, for parser property tests (DESIGN.md §5): exhaustive where random
/// mutation samples. A check that throws anything but an assertion failure fails with the position and value.
/// </summary>
public static class Substitutions
{
    /// <summary>
    /// Runs <paramref name="check"/> on every input that differs from <paramref name="valid"/> in exactly one byte (each
    /// position, each of the 255 other values, or of <paramref name="values"/> when given): exhaustive where random
    /// mutation samples. The candidate is one exact-length array reused between calls, so a check must not
    /// keep it.
    /// </summary>
    public static void EachByte(byte[] valid, Action<byte[]> check, IReadOnlyList<byte>? values = null)
    {
        var candidate = (byte[])valid.Clone();
        var count = values?.Count ?? 256;
        for (var i = 0; i < candidate.Length; i++)
        {
            for (var v = 0; v < count; v++)
            {
                var b = values is null ? (byte)v : values[v];
                if (b != valid[i])
                {
                    candidate[i] = b;
                    Run(check, candidate, i, b);
                }
            }

            candidate[i] = valid[i];
        }
    }

    /// <summary>
    /// Code units for text parsers that only tell ASCII apart: all of U+0000–U+02FF, then every 97th up to U+FFFF, and
    /// those that trip decoders and URI parsers (surrogates, BOM, bidi marks, full-width and ideographic dots, spaces).
    /// </summary>
    public static readonly char[] SampledCharacters =
    [
        .. Enumerable.Range(0, 0x300).Select(c => (char)c),
        .. Enumerable.Range(0, (0x10000 - 0x300) / 97).Select(i => (char)(0x300 + (i * 97))),
        '\u00a0', '\u2000', '\u200b', '\u200e', '\u202e', '\u2028', '\u3000', '\u3002', '\ufeff', '\uff0e', '\uff61', '\ud800', '\udbff', '\udc00', '\udfff', '\ufffd', '\uffff',
    ];

    /// <summary>
    /// Runs <paramref name="check"/> on every text that differs from <paramref name="valid"/> in exactly one UTF-16 code
    /// unit: any of the other 65 535 (lone surrogates included), or of <paramref name="values"/> when given. The candidate
    /// array is reused between calls.
    /// </summary>
    public static void EachChar(string valid, Action<char[]> check, IReadOnlyList<char>? values = null)
    {
        var candidate = valid.ToCharArray();
        var count = values?.Count ?? char.MaxValue + 1;
        for (var i = 0; i < candidate.Length; i++)
        {
            for (var v = 0; v < count; v++)
            {
                var c = values is null ? (char)v : values[v];
                if (c != valid[i])
                {
                    candidate[i] = c;
                    Run(check, candidate, i, c);
                }
            }

            candidate[i] = valid[i];
        }
    }

    private static void Run<T>(Action<T> check, T candidate, int position, int value)
    {
        try
        {
            check(candidate);
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            throw new Xunit.Sdk.XunitException($"Substituting 0x{value:X} at {position} threw {e}");
        }
    }
}
