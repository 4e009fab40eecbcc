namespace Tern.Transports.Fetch.Http;

/// <summary>
/// Parses a <c>Range</c> header for one blob (docs/PROTOCOL.md §8.1, RFC 9110 §14.1.2): <c>bytes=a-b</c>, <c>bytes=a-</c>
/// or <c>bytes=-n</c>. Several ranges, other units and malformed values are ignored (the whole blob is served), as
/// RFC 9110 allows. Never throws, never allocates.
/// </summary>
internal static class ByteRange
{
    /// <summary>Parses <paramref name="header"/> against a blob of <paramref name="size"/> bytes; a partial range is [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public static ByteRangeKind Parse(ReadOnlySpan<char> header, long size, out long start, out long end)
    {
        start = 0;
        end = size;
        header = header.Trim();
        if (header.Length > 200 || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return ByteRangeKind.Whole;
        }

        var spec = header[6..].Trim();
        if (spec.Contains(','))
        {
            return ByteRangeKind.Whole;
        }

        var dash = spec.IndexOf('-');
        if (dash < 0)
        {
            return ByteRangeKind.Whole;
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.IsEmpty)
        {
            // Suffix: the last n bytes.
            if (!TryDigits(last, out var suffix))
            {
                return ByteRangeKind.Whole;
            }

            if (suffix == 0 || size == 0)
            {
                return ByteRangeKind.Unsatisfiable;
            }

            start = size - Math.Min(suffix, size);
            return ByteRangeKind.Partial;
        }

        if (!TryDigits(first, out var from))
        {
            return ByteRangeKind.Whole;
        }

        var to = long.MaxValue;
        if (!last.IsEmpty && (!TryDigits(last, out to) || to < from))
        {
            return ByteRangeKind.Whole;
        }

        if (from >= size)
        {
            return ByteRangeKind.Unsatisfiable;
        }

        start = from;
        end = to >= size - 1 ? size : to + 1;
        return ByteRangeKind.Partial;
    }

    /// <summary>ASCII digits only; a value beyond <see cref="long.MaxValue"/> saturates (it is past any blob).</summary>
    private static bool TryDigits(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        if (text.IsEmpty)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }

            value = value > (long.MaxValue - 9) / 10 ? long.MaxValue : (value * 10) + (c - '0');
        }

        return true;
    }
}
