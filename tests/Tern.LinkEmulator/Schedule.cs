namespace Tern.LinkEmulator;

/// <summary>Arithmetic shared by the periodic schedules.</summary>
internal static class Schedule
{
    /// <summary>Where <paramref name="ticks"/> falls in a cycle of <paramref name="cycle"/> starting at <paramref name="offset"/>.</summary>
    public static long Phase(long ticks, long offset, long cycle)
    {
        var phase = (ticks - offset) % cycle;
        return phase < 0 ? phase + cycle : phase;
    }
}
