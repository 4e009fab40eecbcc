namespace Tern.Engine.Bulk;

/// <summary>
/// The byte ranges of a block a receiver holds, as sorted disjoint [start, end) intervals merged on insert. Data mostly
/// arrives in order, so an insert usually extends the last interval: no allocation once the list has grown to the
/// number of holes. Not thread-safe.
/// </summary>
internal sealed class BulkRangeSet
{
    private readonly List<(long Start, long End)> _ranges = [];

    /// <summary>Bytes held.</summary>
    public long Covered { get; private set; }

    /// <summary>The end of the highest range held, 0 when empty.</summary>
    public long Highest => _ranges.Count == 0 ? 0 : _ranges[^1].End;

    /// <summary>Whether [0, <paramref name="end"/>) is all held.</summary>
    public bool HasPrefix(long end) => end == 0 || (_ranges.Count > 0 && _ranges[0].Start == 0 && _ranges[0].End >= end);

    /// <summary>Adds [start, end); returns the bytes that were new.</summary>
    public long Add(long start, long end)
    {
        if (end <= start)
        {
            return 0;
        }

        // The first range whose end reaches start (ranges touching it merge too).
        var index = FirstEndingAtOrAfter(start);
        if (index == _ranges.Count)
        {
            _ranges.Add((start, end));
            Covered += end - start;
            return end - start;
        }

        var mergedStart = Math.Min(start, _ranges[index].Start);
        var mergedEnd = end;
        long removed = 0;
        var last = index;
        while (last < _ranges.Count && _ranges[last].Start <= end)
        {
            mergedEnd = Math.Max(mergedEnd, _ranges[last].End);
            removed += _ranges[last].End - _ranges[last].Start;
            last++;
        }

        if (last == index)
        {
            _ranges.Insert(index, (start, end));
            Covered += end - start;
            return end - start;
        }

        _ranges[index] = (mergedStart, mergedEnd);
        if (last - index > 1)
        {
            _ranges.RemoveRange(index + 1, last - index - 1);
        }

        var added = mergedEnd - mergedStart - removed;
        Covered += added;
        return added;
    }

    /// <summary>
    /// Writes the holes in [<paramref name="from"/>, <paramref name="upper"/>) through <paramref name="write"/> (index,
    /// start, end), at most <paramref name="max"/> of them, lowest first; returns how many were written and, in
    /// <paramref name="next"/>, where the next call would go on.
    /// </summary>
    public int Missing(long from, long upper, int max, Span<byte> report, Action<Span<byte>, int, long, long> write, out long next)
    {
        var count = 0;
        var at = from;
        next = upper;
        for (var i = FirstEndingAtOrAfter(from); i < _ranges.Count; i++)
        {
            var (start, end) = _ranges[i];
            if (at >= upper)
            {
                return count;
            }

            if (start > at)
            {
                if (count == max)
                {
                    next = at;
                    return count;
                }

                write(report, count++, at, Math.Min(start, upper));
            }

            at = Math.Max(at, end);
        }

        if (at < upper)
        {
            if (count == max)
            {
                next = at;
                return count;
            }

            write(report, count++, at, upper);
        }

        return count;
    }

    private int FirstEndingAtOrAfter(long start)
    {
        int low = 0, high = _ranges.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (_ranges[mid].End < start)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
