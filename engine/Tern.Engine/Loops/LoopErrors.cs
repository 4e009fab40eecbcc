namespace Tern.Engine.Loops;

/// <summary>
/// What one long-running loop met: errors counted by <see cref="LoopErrorKind"/>, and the gate that lets each kind reach
/// the log once per interval, so a failure repeated thousands of times a second is one line a minute saying how many.
/// Written by the loop (or its workers), read by anyone.
/// </summary>
public sealed class LoopErrors
{
    /// <summary>How often each kind may be logged: once a minute.</summary>
    public static readonly TimeSpan DefaultLogInterval = TimeSpan.FromMinutes(1);

    private static readonly int Kinds = Enum.GetValues<LoopErrorKind>().Length;

    private readonly long[] _counts = new long[Kinds];
    private readonly long[] _logged = new long[Kinds];
    private readonly long[] _nextLogAt = new long[Kinds];
    private readonly TimeProvider _time;
    private readonly long _intervalTicks;

    /// <summary>Counts for a loop whose log lines are <paramref name="logInterval"/> apart per kind at least (<see cref="DefaultLogInterval"/> by default).</summary>
    public LoopErrors(TimeProvider? time = null, TimeSpan? logInterval = null)
    {
        _time = time ?? TimeProvider.System;
        _intervalTicks = (long)((logInterval ?? DefaultLogInterval).TotalSeconds * _time.TimestampFrequency);
    }

    /// <summary>Errors of <paramref name="kind"/> so far.</summary>
    public long Count(LoopErrorKind kind) => Volatile.Read(ref _counts[(int)kind]);

    /// <summary>Errors of every kind so far.</summary>
    public long Total
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < Kinds; i++)
            {
                sum += Volatile.Read(ref _counts[i]);
            }

            return sum;
        }
    }

    /// <summary>
    /// Counts one error of <paramref name="kind"/>; true when it is to be logged now (the first of its kind, or the first
    /// after the interval), with <paramref name="unlogged"/> the errors of that kind counted but not logged since the last line.
    /// </summary>
    public bool Record(LoopErrorKind kind, out long unlogged)
    {
        var k = (int)kind;
        var count = Interlocked.Increment(ref _counts[k]);
        var now = _time.GetTimestamp();
        var due = Volatile.Read(ref _nextLogAt[k]);
        if ((due != 0 && now < due) || Interlocked.CompareExchange(ref _nextLogAt[k], Math.Max(1, now + _intervalTicks), due) != due)
        {
            unlogged = 0;
            return false;
        }

        unlogged = count - Interlocked.Exchange(ref _logged[k], count) - 1;
        return true;
    }
}
