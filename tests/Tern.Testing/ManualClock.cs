namespace Tern.Testing;

/// <summary>
/// The one test clock: a <see cref="TimeProvider"/> (the engine's only clock abstraction) that moves when the test says.
/// Wall time (<see cref="GetUtcNow"/>) and timestamps (<see cref="GetTimestamp"/>, what elapsed-time checks such as
/// LoopErrors' log gate read) both move by <see cref="Advance"/> and by nothing else, so a test steps them together.
/// Timers, delays and periodic timers created through it still run on real time: the engine's loops wait on them, and
/// the tests drive the time-dependent work (rounds, sweeps, expiry) by hand at the instants they choose.
/// Thread-safe: servers under test read it from their own threads while the test advances it.
/// </summary>
public sealed class ManualClock : TimeProvider
{
    private readonly long _startTicks;
    private long _elapsedTicks;

    /// <summary>A clock standing at <paramref name="start"/>.</summary>
    public ManualClock(DateTimeOffset start) => _startTicks = start.UtcTicks;

    /// <summary>A clock standing at <paramref name="startUnixMs"/> milliseconds after the Unix epoch.</summary>
    public ManualClock(long startUnixMs)
        : this(DateTimeOffset.FromUnixTimeMilliseconds(startUnixMs))
    {
    }

    /// <summary>The current time in milliseconds since the Unix epoch, the form the per-datagram paths take.</summary>
    public long NowMs => GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>One tick per 100 ns, as <see cref="TimeSpan"/>: a timestamp difference converts exactly.</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc/>
    public override DateTimeOffset GetUtcNow() => new(_startTicks + Interlocked.Read(ref _elapsedTicks), TimeSpan.Zero);

    /// <summary>The time elapsed since the clock was made, in ticks of <see cref="TimestampFrequency"/>.</summary>
    public override long GetTimestamp() => Interlocked.Read(ref _elapsedTicks);

    /// <summary>Moves the clock forward by <paramref name="by"/>; time never runs backwards.</summary>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _elapsedTicks, by.Ticks);
    }
}
