namespace Tern.Engine.Loops;

/// <summary>
/// The wait of a loop under resource pressure: <see cref="Initial"/>, doubled at each failure in a row up to <see cref="Max"/>,
/// and back to the start after a success (Garnet's accept loop waits 100 ms to 5 s the same way).
/// </summary>
public struct LoopBackoff
{
    private TimeSpan _next;

    /// <summary>Starts at <paramref name="initial"/>, never waits longer than <paramref name="max"/>.</summary>
    public LoopBackoff(TimeSpan initial, TimeSpan max)
    {
        Initial = initial;
        Max = max;
        _next = initial;
    }

    /// <summary>The first wait.</summary>
    public TimeSpan Initial { get; }

    /// <summary>The longest wait.</summary>
    public TimeSpan Max { get; }

    /// <summary>The wait before the next attempt; the one after is twice as long, within <see cref="Max"/>.</summary>
    public TimeSpan Next()
    {
        var wait = _next;
        _next = _next * 2 < Max ? _next * 2 : Max;
        return wait;
    }

    /// <summary>After a success: the next failure waits <see cref="Initial"/> again.</summary>
    public void Reset() => _next = Initial;
}
