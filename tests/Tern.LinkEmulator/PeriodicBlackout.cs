namespace Tern.LinkEmulator;

/// <summary>
/// A link that goes down for <see cref="Duration"/> once every <see cref="Period"/> (a LEO handover: 50 ms every 15 s),
/// the first time at <see cref="Offset"/> after the clock's start (up before it). Spans are in the link clock's (scaled)
/// time.
/// </summary>
public sealed record PeriodicBlackout(TimeSpan Period, TimeSpan Duration, TimeSpan Offset)
{
    /// <summary>Whether the link is blacked out at scaled elapsed time <paramref name="ticks"/>.</summary>
    public bool IsDown(long ticks) => ticks >= Offset.Ticks && Schedule.Phase(ticks, Offset.Ticks, Period.Ticks) < Duration.Ticks;

    /// <summary>The first instant at or after <paramref name="ticks"/> outside a blackout.</summary>
    public long NextUp(long ticks)
    {
        if (ticks < Offset.Ticks)
        {
            return ticks;
        }

        var phase = Schedule.Phase(ticks, Offset.Ticks, Period.Ticks);
        return phase < Duration.Ticks ? ticks + Duration.Ticks - phase : ticks;
    }
}
