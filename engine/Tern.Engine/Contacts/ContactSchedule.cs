namespace Tern.Engine.Contacts;

/// <summary>
/// The questions asked of a contact plan, answered for any instant (pure: the caller passes the time, from a
/// <see cref="TimeProvider"/>): is a window from a source to a destination open, at what rate and light time, when does the
/// next one open and close, and when can N bytes arrive behind the bytes queued before them. The windows of a pair never
/// overlap (<see cref="ContactPlanReader"/> refuses it), so at most one is open at a time. Immutable and thread-safe.
/// </summary>
public sealed partial class ContactSchedule
{
    private readonly Dictionary<(string Source, string Destination), ContactDefinition[]> _byPair = [];

    /// <summary>Builds the schedule of <paramref name="plan"/>.</summary>
    public ContactSchedule(ContactPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Plan = plan;
        foreach (var group in plan.Contacts.GroupBy(c => (c.Source, c.Destination)))
        {
            _byPair[group.Key] = [.. group];
        }
    }

    /// <summary>The plan answered from.</summary>
    public ContactPlan Plan { get; }

    /// <summary>Whether the plan has any contact from <paramref name="source"/> to <paramref name="destination"/>.</summary>
    public bool Covers(string source, string destination) => _byPair.ContainsKey((source, destination));

    /// <summary>The window from <paramref name="source"/> to <paramref name="destination"/> open at <paramref name="at"/>, if any.</summary>
    public bool TryOpen(string source, string destination, DateTimeOffset at, out ContactWindow window)
    {
        window = default;
        return _byPair.TryGetValue((source, destination), out var contacts) && TryOpen(contacts, at.ToUnixTimeMilliseconds(), out window);
    }

    /// <summary>The first window that opens after <paramref name="at"/> (strictly: not the one open at that instant).</summary>
    public bool TryNext(string source, string destination, DateTimeOffset at, out ContactWindow window)
    {
        window = default;
        return _byPair.TryGetValue((source, destination), out var contacts) && TryFirstEndingAfter(contacts, at.ToUnixTimeMilliseconds(), strictlyLater: true, out window);
    }

    /// <summary>The window open at <paramref name="at"/>, or else the next to open: the first that ends after it.</summary>
    public bool TryCurrentOrNext(string source, string destination, DateTimeOffset at, out ContactWindow window)
    {
        window = default;
        return _byPair.TryGetValue((source, destination), out var contacts) && TryFirstEndingAfter(contacts, at.ToUnixTimeMilliseconds(), strictlyLater: false, out window);
    }

    /// <summary>The windows of one contact that overlap [<paramref name="from"/>, <paramref name="to"/>), in order.</summary>
    public static IEnumerable<ContactWindow> WindowsOf(ContactDefinition contact, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(contact);
        var toMs = to.ToUnixTimeMilliseconds();
        if (!contact.TryWindowEndingAfter(from.ToUnixTimeMilliseconds(), out var cycle))
        {
            yield break;
        }

        for (; cycle < contact.Cycles && contact.StartOf(cycle) < toMs; cycle++)
        {
            yield return ContactWindow.Of(contact, cycle);
        }
    }

    /// <summary>The contacts from <paramref name="source"/> to <paramref name="destination"/>; null when the plan has none.</summary>
    internal ContactDefinition[]? ContactsOf(string source, string destination) => _byPair.GetValueOrDefault((source, destination));

    /// <summary>The open window among <paramref name="contacts"/> at <paramref name="atMs"/>; allocates nothing.</summary>
    internal static bool TryOpen(ContactDefinition[] contacts, long atMs, out ContactWindow window)
    {
        foreach (var contact in contacts)
        {
            if (contact.TryOpenAt(atMs, out var cycle))
            {
                window = ContactWindow.Of(contact, cycle);
                return true;
            }
        }

        window = default;
        return false;
    }

    /// <summary>When the next window among <paramref name="contacts"/> opens at or after <paramref name="atMs"/>; long.MaxValue for never.</summary>
    internal static long OpensAtOrAfter(ContactDefinition[] contacts, long atMs)
    {
        var best = long.MaxValue;
        foreach (var contact in contacts)
        {
            if (contact.TryWindowEndingAfter(atMs, out var cycle))
            {
                var opens = contact.StartOf(cycle);
                best = Math.Min(best, opens <= atMs ? atMs : opens);
            }
        }

        return best;
    }

    /// <summary>The earliest-ending window among <paramref name="contacts"/> that ends after <paramref name="atMs"/> (and opens after it when <paramref name="strictlyLater"/>).</summary>
    private static bool TryFirstEndingAfter(ContactDefinition[] contacts, long atMs, bool strictlyLater, out ContactWindow window)
    {
        ContactDefinition? best = null;
        long bestCycle = 0, bestStart = long.MaxValue;
        foreach (var contact in contacts)
        {
            if (!contact.TryWindowEndingAfter(atMs, out var cycle))
            {
                continue;
            }

            if (strictlyLater && contact.StartOf(cycle) <= atMs)
            {
                if (++cycle >= contact.Cycles)
                {
                    continue;
                }
            }

            if (contact.StartOf(cycle) < bestStart)
            {
                (best, bestCycle, bestStart) = (contact, cycle, contact.StartOf(cycle));
            }
        }

        window = best is null ? default : ContactWindow.Of(best, bestCycle);
        return best is not null;
    }
}
