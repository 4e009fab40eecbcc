using System.Diagnostics;

namespace Tern.Load.Open;

/// <summary>
/// The due times of a stream's sends, in <see cref="Stopwatch"/> ticks after its start: fixed before the run by the rate,
/// the kind and the seed, never by how fast answers come back (the open model).
/// </summary>
internal sealed class ArrivalSchedule
{
    private readonly double _ticksPerSend;
    private readonly ArrivalKind _kind;
    private readonly Random _random;
    private long _count;
    private double _poissonTicks;

    public ArrivalSchedule(double perSecond, ArrivalKind kind, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perSecond);
        _ticksPerSend = Stopwatch.Frequency / perSecond;
        _kind = kind;
        _random = new Random(seed);
    }

    /// <summary>The next send's due time, in ticks after the start; never earlier than the previous one.</summary>
    public long Next()
    {
        if (_kind == ArrivalKind.Constant)
        {
            // Computed from the count, not summed, so rounding does not drift over millions of sends.
            return (long)(_count++ * _ticksPerSend);
        }

        // Inverse transform sampling: -ln(1 - U) is exponential with mean 1 for U uniform in [0, 1).
        _poissonTicks += -Math.Log(1 - _random.NextDouble()) * _ticksPerSend;
        _count++;
        return (long)_poissonTicks;
    }
}
