namespace Tern.LinkEmulator;

/// <summary>
/// An on/off contact plan: the link is up for <see cref="On"/>, then down for <see cref="Off"/>, repeating, the first
/// window opening at <see cref="Offset"/> after the clock's start (down before it) (30 s on / 30 s off). Spans are in the
/// link clock's (scaled) time.
/// </summary>
public sealed record ContactWindows(TimeSpan On, TimeSpan Off, TimeSpan Offset)
{
    /// <summary>Whether the link is outside a window at scaled elapsed time <paramref name="ticks"/>.</summary>
    public bool IsDown(long ticks) => ticks < Offset.Ticks || Schedule.Phase(ticks, Offset.Ticks, On.Ticks + Off.Ticks) >= On.Ticks;

    /// <summary>The first instant at or after <paramref name="ticks"/> inside a window.</summary>
    public long NextUp(long ticks)
    {
        if (ticks < Offset.Ticks)
        {
            return Offset.Ticks;
        }

        var cycle = On.Ticks + Off.Ticks;
        var phase = Schedule.Phase(ticks, Offset.Ticks, cycle);
        return phase >= On.Ticks ? ticks + cycle - phase : ticks;
    }
}
