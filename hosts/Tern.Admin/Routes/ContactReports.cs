using Tern.Admin.Wire;
using Tern.Engine.Contacts;
using Tern.Engine.Transit;

namespace Tern.Admin.Routes;

/// <summary>Builds <see cref="ContactsReport"/> from the plan in force, the transit store and the link-use counts.</summary>
internal static class ContactReports
{
    /// <summary>
    /// The report at <paramref name="now"/>; <paramref name="nextHops"/> (destination → peer gateway, from the bulk relay)
    /// adds what is held for a destination carried to a peer gateway to the figures of the contacts to that gateway.
    /// </summary>
    public static ContactsReport Build(ContactWindows windows, TransitStore store, string planPath, DateTimeOffset now, IReadOnlyDictionary<string, string>? nextHops = null)
    {
        var schedule = windows.Schedule;
        var source = windows.Source;
        var contacts = schedule.Plan.Contacts;

        // Near expiry: what would expire before the destination's current or next window closes; with no window to come,
        // everything held for it.
        var horizons = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var contact in contacts)
        {
            if (contact.Source == source && !horizons.ContainsKey(contact.Destination))
            {
                horizons[contact.Destination] = schedule.TryCurrentOrNext(source, contact.Destination, now, out var w) ? w.Closes.ToUnixTimeMilliseconds() : long.MaxValue;
            }
        }

        // A destination behind a peer gateway is near expiry by the peer's windows: its blobs cross in them.
        var behind = new List<(string Destination, string Gateway)>();
        foreach (var (destination, gateway) in nextHops ?? new Dictionary<string, string>())
        {
            if (horizons.TryGetValue(gateway, out var horizon) && !string.Equals(destination, gateway, StringComparison.Ordinal))
            {
                behind.Add((destination, gateway));
                horizons[destination] = horizons.TryGetValue(destination, out var own) ? Math.Min(own, horizon) : horizon;
            }
        }

        var holdings = Combine(store.ListHoldings(horizons), behind);
        var nowMs = now.ToUnixTimeMilliseconds();
        var midnight = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var items = new List<ContactItem>(contacts.Count);
        foreach (var contact in contacts)
        {
            var local = contact.Source == source;
            var held = local ? holdings[contact.Destination] : default;
            var planned = local ? PlannedBytes(contact, midnight, now) : 0;
            var sent = local ? windows.LinkUse.SentToday(contact.Id, nowMs) : 0;
            items.Add(new ContactItem(
                contact.Id,
                contact.Source,
                contact.Destination,
                contact.RateBitsPerSecond,
                contact.OneWayLightTimeMs / 1000.0,
                contact.PeriodMs == 0 ? null : contact.PeriodMs / 1000.0,
                contact.Cycles == ContactDefinition.Forever ? null : contact.Cycles,
                Span(contact, nowMs, open: true),
                Span(contact, nowMs, open: false),
                held.Bytes,
                held.NearExpiryBytes,
                held.Blobs,
                planned,
                sent,
                planned == 0 ? null : (double)sent / planned));
        }

        return new ContactsReport(source, now, planPath, items);
    }

    /// <summary>Each destination's holdings, a peer gateway's with those of the destinations carried to it added.</summary>
    private static Dictionary<string, DestinationHolding> Combine(IReadOnlyDictionary<string, DestinationHolding> holdings, List<(string Destination, string Gateway)> behind)
    {
        var combined = new Dictionary<string, DestinationHolding>(holdings, StringComparer.Ordinal);
        foreach (var (destination, gateway) in behind)
        {
            var add = holdings[destination];
            var sum = combined[gateway];
            combined[gateway] = sum with
            {
                Blobs = sum.Blobs + add.Blobs,
                Deliveries = sum.Deliveries + add.Deliveries,
                Bytes = sum.Bytes + add.Bytes,
                NearExpiryBytes = sum.NearExpiryBytes + add.NearExpiryBytes,
            };
        }

        return combined;
    }

    /// <summary>What the contact's windows carry at its rate between <paramref name="from"/> and <paramref name="to"/>.</summary>
    private static long PlannedBytes(ContactDefinition contact, DateTimeOffset from, DateTimeOffset to)
    {
        long bytes = 0;
        foreach (var window in ContactSchedule.WindowsOf(contact, from, to))
        {
            bytes += window.CapacityBytes(from, to);
        }

        return bytes;
    }

    private static ContactSpan? Span(ContactDefinition contact, long nowMs, bool open)
    {
        if (!contact.TryWindowEndingAfter(nowMs, out var cycle))
        {
            return null;
        }

        var isOpen = contact.StartOf(cycle) <= nowMs;
        if (open != isOpen && (open || ++cycle >= contact.Cycles))
        {
            return null;
        }

        var window = ContactWindow.Of(contact, cycle);
        return new ContactSpan(window.Opens, window.Closes);
    }
}
