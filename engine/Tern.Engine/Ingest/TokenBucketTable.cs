namespace Tern.Engine.Ingest;

/// <summary>
/// Token buckets keyed by a hash of the source (address, or address and key), in a fixed table: memory is
/// bounded whatever the number of sources, and sources that share a slot share a budget — a tolerable
/// error for a flood limiter. Time is in ms from the caller so tests control it. Not thread-safe.
/// </summary>
internal sealed class TokenBucketTable
{
    private readonly double[] _tokens;
    private readonly long[] _updatedAt;
    private readonly int _mask;
    private readonly double _ratePerMs;
    private readonly double _burst;
    private int _used;

    /// <summary>Creates <paramref name="slots"/> buckets (power of two) refilling at <paramref name="ratePerSecond"/> up to <paramref name="burst"/>.</summary>
    public TokenBucketTable(int slots, double ratePerSecond, double burst)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)slots);
        _tokens = new double[size];
        _updatedAt = new long[size];
        _mask = size - 1;
        _ratePerMs = ratePerSecond / 1000;
        _burst = burst;
        Array.Fill(_tokens, burst);
        Array.Fill(_updatedAt, long.MinValue);
    }

    /// <summary>Buckets in the table.</summary>
    public int Slots => _tokens.Length;

    /// <summary>Buckets a source has drawn from since start (read racily, for metrics): once used, a slot stays in use.</summary>
    public int Used => Volatile.Read(ref _used);

    /// <summary>
    /// Buckets holding less than one token at <paramref name="nowMs"/>: sources being refused now. A scan of the table read
    /// racily from outside the ingest loop (a scrape, not the packet path), so a bucket being updated may be miscounted.
    /// </summary>
    public int Empty(long nowMs)
    {
        var empty = 0;
        for (var slot = 0; slot < _tokens.Length; slot++)
        {
            if (Level(slot, nowMs) < 1)
            {
                empty++;
            }
        }

        return empty;
    }

    /// <summary>Tokens in the bucket of <paramref name="sourceHash"/> at <paramref name="nowMs"/>, without taking one (read racily, for metrics).</summary>
    public double Level(int sourceHash, long nowMs)
    {
        var slot = sourceHash & _mask;
        var last = Volatile.Read(ref _updatedAt[slot]);
        return last == long.MinValue ? _burst : Math.Min(_burst, _tokens[slot] + Math.Max(0, nowMs - last) * _ratePerMs);
    }

    /// <summary>Takes one token from the bucket of <paramref name="sourceHash"/>; false when it is empty.</summary>
    public bool TryTake(int sourceHash, long nowMs)
    {
        var slot = sourceHash & _mask;
        var last = _updatedAt[slot];
        if (last == long.MinValue)
        {
            _used++;
        }

        var tokens = last == long.MinValue ? _burst : Math.Min(_burst, _tokens[slot] + (nowMs - last) * _ratePerMs);
        _updatedAt[slot] = nowMs;
        if (tokens < 1)
        {
            _tokens[slot] = tokens;
            return false;
        }

        _tokens[slot] = tokens - 1;
        return true;
    }
}
