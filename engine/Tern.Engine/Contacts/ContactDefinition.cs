namespace Tern.Engine.Contacts;

/// <summary>
/// One contact of a plan (docs/OPERATIONS.md, "Contact plans"): a window from <see cref="Source"/> to
/// <see cref="Destination"/> at a rate, with a one-way light time, and optionally repeated every
/// <see cref="PeriodMs"/> for <see cref="Cycles"/> cycles (or forever), so a long on/off plan is one entry. Times in Unix
/// milliseconds; validated by <see cref="ContactPlanReader"/>.
/// </summary>
public sealed class ContactDefinition
{
    /// <summary>Cycles of a contact repeated without end.</summary>
    public const long Forever = long.MaxValue;

    /// <summary>Creates a contact; <paramref name="periodMs"/> 0 for a single window (then <paramref name="cycles"/> is 1).</summary>
    public ContactDefinition(string id, string source, string destination, long startMs, long endMs, long rateBitsPerSecond, long oneWayLightTimeMs, long periodMs, long cycles)
    {
        Id = id;
        Source = source;
        Destination = destination;
        StartMs = startMs;
        EndMs = endMs;
        RateBitsPerSecond = rateBitsPerSecond;
        OneWayLightTimeMs = oneWayLightTimeMs;
        PeriodMs = periodMs;
        Cycles = periodMs == 0 ? 1 : cycles;
    }

    /// <summary>The operator's name of the contact, unique in its plan.</summary>
    public string Id { get; }

    /// <summary>The sending domain (normalized).</summary>
    public string Source { get; }

    /// <summary>The receiving domain (normalized).</summary>
    public string Destination { get; }

    /// <summary>Start of the first window (inclusive).</summary>
    public long StartMs { get; }

    /// <summary>End of the first window (exclusive).</summary>
    public long EndMs { get; }

    /// <summary>The link's rate while the contact is open, in bits per second.</summary>
    public long RateBitsPerSecond { get; }

    /// <summary>The one-way light time: what a bit sent at t reaches the destination at t + this.</summary>
    public long OneWayLightTimeMs { get; }

    /// <summary>Time from one window's start to the next's; 0 for a contact that opens once.</summary>
    public long PeriodMs { get; }

    /// <summary>Windows in all: 1 for a single window, <see cref="Forever"/> for a contact repeated without end.</summary>
    public long Cycles { get; }

    /// <summary>Length of each window.</summary>
    public long LengthMs => EndMs - StartMs;

    /// <summary>End of the last window; <see cref="long.MaxValue"/> when repeated forever.</summary>
    public long LastEndMs => Cycles == Forever ? long.MaxValue : StartMs + ((Cycles - 1) * PeriodMs) + LengthMs;

    /// <summary>Start of window <paramref name="cycle"/> (0-based).</summary>
    public long StartOf(long cycle) => StartMs + (cycle * PeriodMs);

    /// <summary>
    /// The first window that ends after <paramref name="atMs"/>: the one open at that instant, or else the next to open;
    /// false when every window has ended.
    /// </summary>
    public bool TryWindowEndingAfter(long atMs, out long cycle)
    {
        cycle = 0;
        if (atMs < EndMs)
        {
            return true;
        }

        if (PeriodMs == 0 || atMs >= LastEndMs)
        {
            return false;
        }

        // Windows k with StartOf(k) + Length > atMs: k > (atMs - EndMs) / Period.
        cycle = ((atMs - EndMs) / PeriodMs) + 1;
        return cycle < Cycles;
    }

    /// <summary>Whether a window is open at <paramref name="atMs"/>, and which.</summary>
    public bool TryOpenAt(long atMs, out long cycle) => TryWindowEndingAfter(atMs, out cycle) && StartOf(cycle) <= atMs;
}
