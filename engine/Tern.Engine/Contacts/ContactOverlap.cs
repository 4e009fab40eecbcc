namespace Tern.Engine.Contacts;

/// <summary>
/// Refuses a plan in which two windows of one source–destination pair overlap: the rate and light time of the pair would be
/// ambiguous, and the earliest-arrival sum would count the link twice. Two contacts repeated with periods p and q can meet
/// only at offsets that are multiples of gcd(p, q) apart, which settles repeated contacts without listing their windows.
/// </summary>
internal static class ContactOverlap
{
    // Windows listed, at most, when the arithmetic does not settle a pair: a plan that needs more is refused.
    private const long Budget = 20_000_000;

    public static void Check(IReadOnlyList<ContactDefinition> contacts)
    {
        var byPair = new Dictionary<(string, string), List<int>>();
        for (var i = 0; i < contacts.Count; i++)
        {
            var key = (contacts[i].Source, contacts[i].Destination);
            if (!byPair.TryGetValue(key, out var list))
            {
                byPair[key] = list = [];
            }

            list.Add(i);
        }

        var budget = Budget;
        foreach (var list in byPair.Values)
        {
            for (var x = 0; x < list.Count; x++)
            {
                for (var y = x + 1; y < list.Count; y++)
                {
                    var (a, b) = (contacts[list[x]], contacts[list[y]]);
                    if (Overlap(a, b, ref budget) is { } at)
                    {
                        throw new ContactPlanException($"contacts[{list[y]}] \"{b.Id}\"", "start", DateTimeOffset.FromUnixTimeMilliseconds(at).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                            $"its window overlaps one of contact \"{a.Id}\" for the same source and destination ({a.Source} to {a.Destination}); windows of one pair may not overlap");
                    }
                }
            }
        }
    }

    /// <summary>The start of a window of <paramref name="b"/> that overlaps one of <paramref name="a"/>, or null.</summary>
    private static long? Overlap(ContactDefinition a, ContactDefinition b, ref long budget)
    {
        if (a.LastEndMs <= b.StartMs || b.LastEndMs <= a.StartMs)
        {
            return null;
        }

        if (a.PeriodMs > 0 && b.PeriodMs > 0)
        {
            if (!MayMeet(a, b))
            {
                return null;
            }

            if (a.Cycles == ContactDefinition.Forever && b.Cycles == ContactDefinition.Forever)
            {
                return b.StartMs; // without an end, every offset the gcd allows comes round
            }
        }

        // List the windows of the one with fewer, within the span both cover, and look each up in the other.
        var (few, other) = a.Cycles <= b.Cycles ? (a, b) : (b, a);
        var from = Math.Max(a.StartMs, b.StartMs);
        few.TryWindowEndingAfter(from, out var cycle);
        for (; cycle < few.Cycles; cycle++)
        {
            var start = few.StartOf(cycle);
            if (start >= other.LastEndMs)
            {
                return null;
            }

            if (--budget < 0)
            {
                throw new ContactPlanException($"contact \"{b.Id}\"", "repeat", null,
                    $"too many windows to check against contact \"{a.Id}\" for overlap; give the repeated contacts of one pair periods that divide each other");
            }

            if (other.TryWindowEndingAfter(start, out var o) && other.StartOf(o) < start + few.LengthMs)
            {
                return ReferenceEquals(few, b) ? start : other.StartOf(o);
            }
        }

        return null;
    }

    /// <summary>
    /// Whether some window of <paramref name="a"/> and some of <paramref name="b"/> could overlap, ignoring their counts:
    /// b's start minus a's takes the values (b0 − a0) + j·q − i·p, which are exactly (b0 − a0) modulo g = gcd(p, q); an
    /// overlap needs one strictly between −(b's length) and a's length.
    /// </summary>
    private static bool MayMeet(ContactDefinition a, ContactDefinition b)
    {
        var g = Gcd(a.PeriodMs, b.PeriodMs);
        var r = ((b.StartMs - a.StartMs) % g + g) % g;
        return r < a.LengthMs || g - r < b.LengthMs;
    }

    private static long Gcd(long x, long y)
    {
        while (y != 0)
        {
            (x, y) = (y, x % y);
        }

        return x;
    }
}
