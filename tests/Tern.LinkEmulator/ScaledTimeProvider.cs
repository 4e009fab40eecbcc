using System.Diagnostics;

namespace Tern.LinkEmulator;

/// <summary>
/// A clock that runs <see cref="Scale"/> times faster than real time: at 60×, ten scaled minutes pass in ten real
/// seconds. Wall time, timestamps, timers and <c>Task.Delay(…, provider)</c> all see scaled time, so a component that
/// takes a <see cref="TimeProvider"/> and the link emulator agree on every span when both are handed the same instance.
/// A scale of 1 is real time. Scaled time starts at <see cref="Start"/> when the provider is made.
/// </summary>
public sealed class ScaledTimeProvider : TimeProvider
{
    private readonly long _origin = Stopwatch.GetTimestamp();
    private readonly double _scaledTicksPerRealTick;

    /// <summary>A clock running <paramref name="scale"/> times real time, reading <paramref name="start"/> now.</summary>
    public ScaledTimeProvider(double scale, DateTimeOffset start)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(scale, 0);
        Scale = scale;
        Start = start;
        _scaledTicksPerRealTick = scale * TimeSpan.TicksPerSecond / Stopwatch.Frequency;
    }

    /// <summary>A clock running <paramref name="scale"/> times real time from the real time now.</summary>
    public ScaledTimeProvider(double scale)
        : this(scale, DateTimeOffset.UtcNow)
    {
    }

    /// <summary>Scaled seconds per real second.</summary>
    public double Scale { get; }

    /// <summary>The wall time the clock read when it was made.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>One tick per 100 ns of scaled time, as <see cref="TimeSpan"/>.</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>Scaled time elapsed since the clock was made, in <see cref="TimeSpan"/> ticks.</summary>
    public override long GetTimestamp() => ToScaledTicks(Stopwatch.GetTimestamp());

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => Start.AddTicks(GetTimestamp());

    /// <summary>The scaled elapsed ticks at real <see cref="Stopwatch"/> timestamp <paramref name="realTimestamp"/>.</summary>
    public long ToScaledTicks(long realTimestamp) => (long)((realTimestamp - _origin) * _scaledTicksPerRealTick);

    /// <summary>The real <see cref="Stopwatch"/> timestamp at which scaled elapsed time reaches <paramref name="scaledTicks"/>.</summary>
    public long ToRealTimestamp(long scaledTicks) => _origin + (long)(scaledTicks / _scaledTicksPerRealTick);

    /// <summary>The real span a scaled span takes.</summary>
    public TimeSpan ToReal(TimeSpan scaled) =>
        scaled == Timeout.InfiniteTimeSpan ? scaled : TimeSpan.FromTicks((long)(scaled.Ticks / Scale));

    /// <inheritdoc/>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new ScaledTimer(this, System.CreateTimer(callback, state, ToReal(dueTime), ToReal(period)));
}
