namespace Tern.Transports.Fetch.Coverage;

/// <summary>
/// The byte ranges of one blob served so far: sorted, disjoint, adjacent ranges merged. Bounded, so a client asking
/// for many scattered one-byte ranges cannot grow it without limit (ranges beyond the bound are not recorded).
/// Not thread-safe: <see cref="FetchCoverage"/> holds its lock around it.
/// </summary>
internal sealed class ByteRangeSet
{
    /// <summary>Disjoint ranges kept at most; a fetcher resuming after cuts needs a handful.</summary>
    public const int MaxRanges = 64;

    private readonly List<(long Start, long End)> _ranges = [];

    /// <summary>Ranges currently held (for tests).</summary>
    public int Count => _ranges.Count;

    /// <summary>The ranges, in order.</summary>
    public IReadOnlyList<(long Start, long End)> Ranges => _ranges;

    /// <summary>Adds [<paramref name="start"/>, <paramref name="end"/>); returns true when [0, <paramref name="size"/>) is now covered.</summary>
    public bool Add(long start, long end, long size)
    {
        if (end > start)
        {
            Insert(start, end);
        }

        return _ranges.Count == 1 && _ranges[0].Start <= 0 && _ranges[0].End >= size;
    }

    private void Insert(long start, long end)
    {
        // Find the first range that ends at or after start (it may touch or overlap the new one).
        var i = 0;
        while (i < _ranges.Count && _ranges[i].End < start)
        {
            i++;
        }

        var j = i;
        while (j < _ranges.Count && _ranges[j].Start <= end)
        {
            start = Math.Min(start, _ranges[j].Start);
            end = Math.Max(end, _ranges[j].End);
            j++;
        }

        if (j > i)
        {
            _ranges.RemoveRange(i, j - i);
        }
        else if (_ranges.Count >= MaxRanges)
        {
            return;
        }

        _ranges.Insert(i, (start, end));
    }
}
