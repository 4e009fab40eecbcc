namespace Tern.Engine.Contacts;

public sealed partial class ContactSchedule
{
    /// <summary>
    /// When the last of <paramref name="bytes"/> can arrive at <paramref name="destination"/> if sent from
    /// <paramref name="source"/> at the plan's rates, behind <paramref name="queuedBytes"/> sent first, starting at
    /// <paramref name="from"/>: the windows are filled in order, each at its rate from its opening (or from
    /// <paramref name="from"/> in the window open then), and the arrival is the last byte's sending time plus the light
    /// time of its window. Null when the plan's windows cannot carry them, or not by <paramref name="notAfter"/> (the search
    /// stops at the first window that opens after it, so a plan repeated forever ends the search too).
    /// </summary>
    public DateTimeOffset? EarliestArrival(string source, string destination, long bytes, long queuedBytes, DateTimeOffset from, DateTimeOffset notAfter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfNegative(queuedBytes);
        if (ContactsOf(source, destination) is not { } contacts)
        {
            return null;
        }

        // Whole windows are skipped while the queue ahead fills them; a window carries at least one byte per ms at 8 kbit/s,
        // and at most (notAfter - from) / shortest period windows are looked at.
        var remaining = (decimal)queuedBytes + bytes;
        var atMs = from.ToUnixTimeMilliseconds();
        var limitMs = notAfter.ToUnixTimeMilliseconds();
        while (TryFirstEndingAfter(contacts, atMs, strictlyLater: false, out var window))
        {
            var opensMs = Math.Max(window.Opens.ToUnixTimeMilliseconds(), atMs);
            if (opensMs > limitMs)
            {
                return null;
            }

            var closesMs = window.Closes.ToUnixTimeMilliseconds();
            var capacity = (decimal)ContactMath.BytesIn(closesMs - opensMs, window.RateBitsPerSecond);
            if (remaining <= capacity)
            {
                var sentMs = opensMs + ContactMath.MillisecondsFor((long)remaining, window.RateBitsPerSecond);
                var arrives = DateTimeOffset.FromUnixTimeMilliseconds(Math.Min(sentMs, closesMs) + (long)window.OneWayLightTime.TotalMilliseconds);
                return arrives <= notAfter ? arrives : null;
            }

            remaining -= capacity;
            atMs = closesMs;
        }

        return null;
    }
}
