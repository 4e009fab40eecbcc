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

    /// <summary>Takes one token from the bucket of <paramref name="sourceHash"/>; false when it is empty.</summary>
    public bool TryTake(int sourceHash, long nowMs)
    {
        var slot = sourceHash & _mask;
        var last = _updatedAt[slot];
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
